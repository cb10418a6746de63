"""Admins see each notification's state, never its content: failed ones are
the ones to look at (filter by status), and can be sent again.

A feedback invitation's state says whether its person gave feedback (it is
skipped once they have), so those rows never show whose they are, and the
list cannot be narrowed to one person or booking."""

from django.contrib import admin, messages

from notifications.models import Kind, Notification, Preference
from notifications.services import notifications_send_again


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "status", "due_at", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["code"]
    ordering = ["-due_at"]
    date_hierarchy = "due_at"
    list_select_related = False
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]
    _whose = ("user", "booking", "membership")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.kind == Kind.FEEDBACK_INVITATION:
            return [f for f in fields if f not in self._whose]
        return fields

    def lookup_allowed(self, lookup, value, request) -> bool:
        if lookup.split("__")[0] in self._whose:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Try sending the selected failed notifications again")
    def send_again(self, request, queryset):
        count = notifications_send_again(notifications=queryset)
        self.message_user(request, f"{count} notification(s) will be sent by the next sweep.", messages.SUCCESS)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "reminder_24h", "reminder_1h", "updated_at"]
    raw_id_fields = ["user"]

