from django.contrib import admin

from groups.models import Eligibility, Facilitation, GroundRules, GroupSession, PeerGroup, Schedule


class FacilitationInline(admin.TabularInline):
    model = Facilitation
    extra = 0
    raw_id_fields = ["user"]


class EligibilityInline(admin.TabularInline):
    model = Eligibility
    extra = 0


class ScheduleInline(admin.StackedInline):
    model = Schedule
    extra = 0
    readonly_fields = ["materialised_until"]


class GroundRulesInline(admin.StackedInline):
    model = GroundRules
    extra = 0
    readonly_fields = ["version", "text", "created_at"]
    can_delete = False


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "format", "membership", "status", "delivery", "capacity"]
    list_filter = ["programme", "status", "format", "membership", "delivery"]
    search_fields = ["title"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [FacilitationInline, EligibilityInline, ScheduleInline, GroundRulesInline]

    def get_readonly_fields(self, request, obj=None):
        # Not here: a group moves between programmes only through
        # signups.services.programme_moves, which refuses a group with a
        # history (its members, bookings and figures belong to its programme).
        return [*self.readonly_fields, "programme"] if obj is not None else self.readonly_fields


@admin.register(GroupSession)
class GroupSessionAdmin(admin.ModelAdmin):
    list_display = ["group", "starts_at", "ends_at", "status", "is_exception"]
    list_filter = ["status", "is_exception"]
    search_fields = ["group__title"]
    date_hierarchy = "starts_at"
    list_select_related = ["group"]
    raw_id_fields = ["group"]
    readonly_fields = ["code", "occurrence", "created_at", "updated_at"]
