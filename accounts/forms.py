import unicodedata

from django import forms

from accounts.models import User
from accounts.selectors import display_name_taken_in_groups

# Invisible characters that can make two names look alike or reorder the text
# around them: control and format characters (bidi overrides, zero-width
# spaces and joiners, byte order marks), line and paragraph separators, and
# private-use, unassigned and surrogate code points.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(
        label="Display name",
        max_length=40,
        help_text="Other members see only this name. Use your first name or a "
        "pseudonym: you do not have to be identifiable to join a group.",
    )
    organisation = forms.CharField(
        label="Organisation (optional)", max_length=120, required=False,
        help_text="The trust or practice you work for: its full name or its ODS code (for example, RX1). "
                  "Some programmes are open to the staff of particular organisations.",
    )

    class Meta:
        model = User
        fields = ["display_name", "profession", "career_stage", "region", "organisation"]
        labels = {"region": "NHS region or nation"}
        widgets = {
            "profession": forms.RadioSelect,
            "career_stage": forms.RadioSelect,
            "region": forms.Select,
        }

    # The error summary names each field (NHS.UK pattern), not "This field is required."
    REQUIRED_MESSAGES = {
        "display_name": "Enter a display name",
        "profession": "Select your profession",
        "career_stage": "Select your career stage",
        "region": "Select your NHS region or nation",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
            self.fields[name].error_messages["invalid_choice"] = message
        for name in ("profession", "career_stage", "region"):
            field = self.fields[name]
            field.required = True
            field.choices = [c for c in field.choices if c[0] != ""]
        self.fields["region"].choices = [("", "Choose your region or nation")] + list(
            self.fields["region"].choices
        )

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"], user=self.instance)


def display_name_clean(name: str, *, user: User) -> str:
    """The name as saved (NFKC, single spaces), or a ValidationError saying
    why it cannot be used. Shared by the profile forms and the admin."""
    name = unicodedata.normalize("NFKC", name)
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in name):
        raise forms.ValidationError("Your display name must not contain invisible, control or formatting characters.")
    name = " ".join(name.split())
    if len(name) < 2:
        raise forms.ValidationError("Enter a display name of at least 2 characters.")
    if len(name) > 40:
        raise forms.ValidationError("Enter a display name of 40 characters or fewer.")
    if "@" in name:
        raise forms.ValidationError("Your display name must not be an email address.")
    if display_name_taken_in_groups(user=user, name=name):
        raise forms.ValidationError(
            "Someone in one of your groups already uses this display name. Choose a different one "
            "so that members can tell you apart."
        )
    return name
