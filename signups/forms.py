from django import forms

from accounts.selectors import public_name
from signups.models import Booking

HELPFULNESS = [
    ("5", "5 – Very helpful"),
    ("4", "4"),
    ("3", "3"),
    ("2", "2"),
    ("1", "1 – Not helpful"),
]


class GroundRulesForm(forms.Form):
    """Agreeing to the version the person read: if a facilitator saves a new
    version meanwhile, the form is shown again with the new text."""

    agree = forms.BooleanField(
        label="I agree to keep to these ground rules",
        error_messages={"required": "Tick the box to agree to the ground rules, or go back."},
    )
    # The version shown; checked in clean() so that a missing or altered value
    # is reported on the checkbox, the only control the person can see.
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=12)

    def __init__(self, *args, current_version: int, **kwargs):
        super().__init__(*args, initial={"version": current_version}, **kwargs)
        self.current_version = current_version

    def clean(self):
        cleaned = super().clean()
        if "agree" not in self.errors and cleaned.get("version") != str(self.current_version):
            self.add_error("agree", "The ground rules changed while you were reading them. "
                                    "Read this version and tick the box again if you agree.")
            # Shown again, the form must carry the version now on the page.
            self.data = self.data.copy()
            self.data["version"] = str(self.current_version)
        return cleaned


class ApplicationForm(forms.Form):
    note = forms.CharField(
        label="A short note for the facilitator (optional)",
        help_text="For example, why you would like to join. Up to 1,000 characters.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("accept", "Offer a place in the group"),
            ("conversation", "Arrange a joining conversation first"),
            ("decline", "Do not offer a place"),
        ],
    )
    response = forms.CharField(
        label="A message for the applicant (optional)",
        help_text="They will see this. Up to 1,000 characters.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, conversation_offered: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not conversation_offered:
            self.fields["decision"].choices = [
                c for c in self.fields["decision"].choices if c[0] != "conversation"
            ]


class IntakeForm(forms.Form):
    intake_open = forms.TypedChoiceField(
        choices=[("1", "open"), ("0", "closed")], coerce=lambda v: v == "1"
    )


class RegisterForm(forms.Form):
    """One attended / did-not-attend question per confirmed place."""

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.bookings = list(bookings)
        for booking in self.bookings:
            initial = booking.attendance if booking.attendance != Booking.Attendance.UNKNOWN else None
            self.fields[f"b_{booking.code}"] = forms.ChoiceField(
                label=public_name(booking.user),
                choices=[(Booking.Attendance.ATTENDED, "Attended"), (Booking.Attendance.NO_SHOW, "Did not attend")],
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={"required": f"Choose whether {public_name(booking.user)} attended."},
            )

    def marks(self) -> dict[str, str]:
        return {name[2:]: value for name, value in self.cleaned_data.items()}


class FeedbackForm(forms.Form):
    helpfulness = forms.TypedChoiceField(
        label="How helpful was this session for you?",
        choices=HELPFULNESS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how helpful the session was."},
    )
    comment = forms.CharField(
        label="Anything you would like the facilitators to know? (optional)",
        help_text="Your feedback is anonymous: it is not linked to you. Up to 2,000 characters.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ProgrammeMoveForm(forms.Form):
    """The programme a group moves to: one of the others its mover runs."""

    programme = forms.ChoiceField(label="Move the group to", error_messages={
        "required": "Select the programme to move the group to",
        "invalid_choice": "Select the programme to move the group to"})

    def __init__(self, *args, programmes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        field = self.fields["programme"]
        field.choices = [(p.code, p.name) for p in programmes]  # type: ignore[attr-defined]
        field.widget = forms.RadioSelect(choices=field.choices) if len(programmes) <= 8 else forms.Select(
            choices=[("", "Choose a programme"), *field.choices])  # type: ignore[attr-defined]

    @property
    def chosen(self):
        return self.programmes[self.cleaned_data["programme"]]
