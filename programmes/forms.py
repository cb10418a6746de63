import re

from django import forms
from django.core.exceptions import ValidationError

from programmes.models import ODS_CODE, Programme, Role, Signpost, email_domains_validate, organisation_name_clean
from programmes.services.programmes import ORGANISATIONS_MAX


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


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


# --- a programme's details -------------------------------------------------------

ORGANISATIONS_HELP = ("One a line: its ODS code, then its full name, for example "
                      "RX1 Nottingham University Hospitals NHS Trust. Staff whose profile names one of them "
                      "(by that name or that code) may find and join this programme's groups.")
_ORGANISATION_LINE = re.compile(r"\s*([A-Za-z0-9]+)[\s,;:-]+(.+)")


def organisations_parse(text: str) -> list[tuple[str, str]]:
    """"RX1 Nottingham University Hospitals" lines -> [("RX1", "Nottingham University Hospitals")],
    or a ValidationError naming the lines it cannot read."""
    found: dict[str, str] = {}
    problems = []
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > ORGANISATIONS_MAX:
        raise ValidationError(f"List at most {ORGANISATIONS_MAX} organisations")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _ORGANISATION_LINE.fullmatch(line)
        code, name = (match.group(1).upper(), organisation_name_clean(match.group(2))) if match else ("", "")
        if not match or not ODS_CODE.fullmatch(code) or not 2 <= len(name) <= 120:
            problems.append(number)
        elif code in found:
            problems.append(number)
        else:
            found[code] = name
    if problems:
        listed = ", ".join(str(n) for n in problems[:5])
        raise ValidationError(
            f"Line {listed}: enter each organisation's ODS code (3 to 10 letters and numbers, once each), "
            "then its name (2 to 120 characters)")
    return list(found.items())


def organisations_text(programme: Programme) -> str:
    return "\n".join(f"{o.ods_code} {o.name}" for o in programme.organisations.all())


class _WhoMayJoin(forms.Form):
    """Who may find and join a programme's groups."""

    all_nhs_staff = forms.BooleanField(
        label="Open to all NHS staff", required=False,
        help_text="A national programme: everyone who can sign in may find and join its groups.")
    email_domains = forms.CharField(
        label="Email domains (optional)", required=False, max_length=1000,
        help_text="Staff who sign in with an address at one of these may join. Separate them with commas; "
                  "*.x is any domain ending in .x, for example: nuh.nhs.uk, *.nottingham.nhs.uk",
        error_messages={"max_length": "Enter at most 1000 characters of email domains"})
    organisations = forms.CharField(
        label="Organisations (optional)", required=False, max_length=30000, widget=forms.Textarea({"rows": 5}),
        help_text=ORGANISATIONS_HELP, error_messages={"max_length": "Enter at most 30,000 characters"})

    def clean_email_domains(self) -> str:
        text = self.cleaned_data["email_domains"]
        email_domains_validate(text)
        return text

    def clean_organisations(self) -> list[tuple[str, str]]:
        return organisations_parse(self.cleaned_data["organisations"])


def _name_field() -> forms.CharField:
    return forms.CharField(label="Name", max_length=120,
                           help_text="Shown on its groups' pages, for example St Elsewhere Schwartz Rounds",
                           error_messages={"required": "Enter the programme's name",
                                           "max_length": "Enter a name of 120 characters or fewer"})


class ProgrammeCreateForm(_WhoMayJoin):
    """An installation admin's new programme and its first admin."""

    name = _name_field()
    admin_email = forms.EmailField(
        label="Its first admin's email address", max_length=254,
        help_text="We email them an invitation to run the programme. They accept it signed in with this "
                  "verified address; then they invite its facilitators and other admins.",
        error_messages={"required": "Enter the email address of the programme's first admin",
                        "invalid": "Enter an email address in the correct format, like name@nhs.net"})

    field_order = ["name", "all_nhs_staff", "email_domains", "organisations", "admin_email"]


class ProgrammeForm(_WhoMayJoin):
    """A programme's details: who may join, contacts, default ground rules.
    "Open to all NHS staff" only for installation admins."""

    name = _name_field()
    contact_email = forms.EmailField(
        label="Contact email (optional)", required=False, max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like wellbeing@trust.nhs.uk"})
    contact_phone = forms.RegexField(
        label="Contact phone number (optional)", required=False, max_length=40, regex=r"[0-9 +()-]{6,40}",
        error_messages={"invalid": "Enter a phone number, like 0115 496 0000",
                        "max_length": "Enter a phone number of 40 characters or fewer"})
    contact_url = forms.URLField(
        label="Web page (optional)", required=False, max_length=300, assume_scheme="https",
        help_text="For example, the programme's page on your intranet or website",
        error_messages={"invalid": "Enter a web address starting with https://",
                        "max_length": "Enter a web address of 300 characters or fewer"})
    ground_rules_default = forms.CharField(
        label="Default ground rules (optional)", required=False, max_length=6000,
        widget=forms.Textarea({"rows": 8}),
        help_text="The starting text of the ground rules of this programme's new groups. Facilitators may "
                  "change them for their group.",
        error_messages={"max_length": "Enter ground rules of 6,000 characters or fewer"})

    field_order = ["name", "all_nhs_staff", "email_domains", "organisations", "contact_email", "contact_phone",
                   "contact_url", "ground_rules_default"]

    def __init__(self, *args, installation_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not installation_admin:
            del self.fields["all_nhs_staff"]

    @classmethod
    def initial_for(cls, programme: Programme) -> dict:
        return {**{name: getattr(programme, name) for name in (
            "name", "all_nhs_staff", "email_domains", "contact_email", "contact_phone", "contact_url",
            "ground_rules_default")}, "organisations": organisations_text(programme)}

    def clean_contact_url(self) -> str:
        url = self.cleaned_data["contact_url"]
        if url and not url.startswith("https://"):
            raise ValidationError("Enter a web address starting with https://")
        return url


class SignpostForm(forms.ModelForm):
    """One "Need help now?" entry of a programme."""

    class Meta:
        model = Signpost
        fields = ["name", "detail", "href"]
        labels = {"name": "Name", "detail": "What it offers and how to reach it", "href": "Link (optional)"}
        help_texts = {
            "name": "For example, St Elsewhere occupational health",
            "detail": "For example, confidential support for trust staff: call 0115 496 0123, weekdays 8am to 6pm",
            "href": "A web page (https://…), a phone number (tel:01154960123) or an email address "
                    "(mailto:support@trust.nhs.uk)",
        }
        error_messages = {
            "name": {"required": "Enter the name of the service",
                     "max_length": "Enter a name of 120 characters or fewer"},
            "detail": {"required": "Enter what it offers and how to reach it",
                       "max_length": "Enter at most 300 characters"},
            "href": {"max_length": "Enter a link of 300 characters or fewer"},
        }
