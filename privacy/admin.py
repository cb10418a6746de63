from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from privacy.models import SessionAttendanceSummary


@admin.register(SessionAttendanceSummary)
class SessionAttendanceSummaryAdmin(ReadOnlyAdmin):
    list_display = ("session", "confirmed", "attended", "no_show", "cancelled", "waitlisted_never_placed",
                    "summarised_at")
    list_select_related = ("session__group",)
    raw_id_fields = ("session",)
