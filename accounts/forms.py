from django import forms

from accounts.models import User


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(
        label="Display name",
        max_length=40,
        help_text="Other members see only this name. Use your first name or a "
        "pseudonym: you do not have to be identifiable to join a group.",
    )
    organisation = forms.CharField(
        label="Organisation (optional)", max_length=120, required=False,
        help_text="For example, the trust or practice you work for.",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("profession", "career_stage", "region"):
            field = self.fields[name]
            field.required = True
            field.choices = [c for c in field.choices if c[0] != ""]
        self.fields["region"].choices = [("", "Choose your region or nation")] + list(
            self.fields["region"].choices
        )

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Enter a display name of at least 2 characters.")
        if "@" in name:
            raise forms.ValidationError("Your display name must not be an email address.")
        return name
