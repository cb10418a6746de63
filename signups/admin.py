"""Admin pages for support staff. Nothing here links a person to feedback:
feedback itself has no person, a booking's `feedback_given` is never shown,
and feedback rows are not in the admin at all (beside a session's bookings
they would name the author of a small session's only comment; facilitators
and reports show feedback with their minimum numbers)."""

from django.contrib import admin

from signups.models import Booking, CalendarFeed, GroundRulesAcceptance, Membership, SessionRegister


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["code", "session", "user", "status", "attendance", "via_membership", "late_cancellation"]
    list_filter = ["status", "attendance", "via_membership"]
    search_fields = ["code", "session__code", "user__email"]
    raw_id_fields = ["session", "user"]
    readonly_fields = ["code", "queued_at", "confirmed_at", "cancelled_at", "created_at", "updated_at"]
    exclude = ["feedback_given"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["code", "group", "user", "status", "applied_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["code", "group__title", "user__email"]
    raw_id_fields = ["group", "user"]


@admin.register(GroundRulesAcceptance)
class GroundRulesAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "ground_rules", "accepted_at"]
    raw_id_fields = ["user", "ground_rules"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Tokens are secrets: support staff can revoke a feed (delete it), not read it."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SessionRegister)
class SessionRegisterAdmin(admin.ModelAdmin):
    list_display = ["session", "taken_at", "automatic"]
    raw_id_fields = ["session", "taken_by"]
