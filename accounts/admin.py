from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm

from accounts.forms import display_name_clean
from accounts.models import User


class AdminUserChangeForm(UserChangeForm):
    """The same display-name rules as the profile page (an empty name stays
    allowed: someone not yet onboarded has none)."""

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"]
        return display_name_clean(name, user=self.instance) if name else name


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AdminUserChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "profession", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "profession", "career_stage", "region",
                                "organisation", "onboarded_at"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                               "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
