from django.contrib import admin

from audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records, never edited by hand: an audit log that could be changed
    would prove nothing."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "actor_role", "action", "object_type", "object_code")
    list_filter = ("action", "actor_role", "object_type")
    search_fields = ("object_code",)
    date_hierarchy = "at"
    list_select_related = ("actor",)
    show_full_result_count = False

    # Superusers only: who looked at what is itself sensitive.
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser
