from django import forms
from django.core.exceptions import ValidationError

from programmes.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254,
                             help_text="The address they sign in with. The invitation link works once, for 14 days, "
                                       "and only for someone signed in with this verified address.",
                             error_messages={"required": "Enter an email address",
                                             "invalid": "Enter an email address in the correct format, "
                                                        "like name@nhs.net"})
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a role",
                                             "invalid_choice": "Select a role"})


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)
