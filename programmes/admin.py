"""Installation admins (superusers, with two-factor authentication) create
programmes here and may appoint their first admin (or invite them from the
programme's people page). Removing a role here closes the person's room
sockets like everywhere else (programmes.receivers); admin changes are in
the audit log (audit.receivers)."""

from django.contrib import admin

from programmes.models import Invitation, Organisation, Programme, ProgrammeRole, Signpost


class SignpostInline(admin.TabularInline):
    model = Signpost
    extra = 0


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0


class ProgrammeRoleInline(admin.TabularInline):
    model = ProgrammeRole
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["granted_at"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "all_nhs_staff", "email_domains", "is_default"]
    search_fields = ["name"]
    readonly_fields = ["code", "is_default", "created_at"]
    inlines = [OrganisationInline, SignpostInline, ProgrammeRoleInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "programme", "role", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
    list_filter = ["role", "programme"]
    search_fields = ["email"]
    readonly_fields = ["code", "programme", "email", "role", "token_hash", "invited_by", "created_at",
                       "expires_at", "accepted_at", "accepted_by", "withdrawn_at"]

    def has_add_permission(self, request) -> bool:
        return False  # invitations are sent from the programme's people page, which emails the link
