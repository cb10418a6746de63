"""Forms for facilitators (a group and its schedule, sessions, co-facilitators)
and for browsing. Blank format-dependent fields take the format's defaults, so
the form works the same with or without the pre-filling script."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from accounts.choices import CareerStage, Profession
from core.forms import NhsDateInput
from groups.formats import (
    DEFAULT_GROUND_RULES,
    Format,
    Frequency,
    Membership,
    capacity_error,
    defaults_for,
    minutes_error,
)
from groups.models import PeerGroup, Schedule
from groups.recurrence import ScheduleSpec, schedule_errors
from groups.services import GroupDetails

LONDON = ZoneInfo("Europe/London")
DATE = NhsDateInput
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class GroupForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120, error_messages={"required": "Enter a title"},
                            help_text="Shown to everyone browsing groups; emails never include it.")
    format = forms.ChoiceField(label="Format", choices=[("", "Choose a format")] + Format.choices,
                               error_messages={"required": "Select a format"},
                               help_text="Sets the usual membership, size, length and rhythm.")
    description = forms.CharField(label="Description", max_length=4000,
                                  error_messages={"required": "Enter a description"},
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text="What happens in the group and who it is for.")
    membership = forms.ChoiceField(label="Membership", choices=Membership.choices, required=False,
                                   widget=forms.RadioSelect,
                                   help_text="Leave unselected to use the format's usual membership.")
    intake_open = forms.BooleanField(label="Taking applications (closed groups)", required=False, initial=True)
    capacity = forms.IntegerField(label="Places", required=False, min_value=1, max_value=10_000,
                                  help_text="Leave blank to use the format's usual size.",
                                  widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}))
    professions = forms.MultipleChoiceField(label="Professions (optional)", choices=Profession.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple,
                                            help_text="Leave all unticked if the group is for every profession.")
    career_stages = forms.MultipleChoiceField(label="Career stages (optional)", choices=CareerStage.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text="Leave all unticked if the group is for every career stage.")
    delivery = forms.ChoiceField(label="Where the group meets", choices=PeerGroup.Delivery.choices,
                                 initial=PeerGroup.Delivery.ONLINE, widget=forms.RadioSelect)
    venue = forms.CharField(label="Venue (in person)", max_length=300, required=False,
                            help_text="Building, room and site, for example.")
    external_url = forms.URLField(label="Meeting link (another meeting service)", max_length=500, required=False,
                                  validators=[URLValidator(schemes=["https"])], assume_scheme="https",
                                  help_text="Starts with https://. Only people with a place see it.")
    ground_rules = forms.CharField(label="Ground rules", max_length=6000, initial=DEFAULT_GROUND_RULES,
                                   error_messages={"required": "Enter the ground rules"},
                                   widget=forms.Textarea(attrs={"rows": 7}),
                                   help_text="The confidentiality agreement members accept. "
                                   "Changing it asks members to accept it again.")
    frequency = forms.ChoiceField(label="How often", choices=Frequency.choices, required=False,
                                  widget=forms.RadioSelect,
                                  help_text="Leave unselected to use the format's usual rhythm.")
    first_date = forms.DateField(label="Date of the first session", widget=DATE, help_text="For example, 15 3 2027",
                                 error_messages={"required": "Enter the date of the first session",
                                                 "invalid": "Date of the first session must be a real date"})
    start_time = forms.TimeField(label="Start time", widget=TIME, help_text="UK time, for example 12:45.",
                                 error_messages={"required": "Enter the start time"})
    end_time = forms.TimeField(label="End time", widget=TIME, required=False,
                               help_text="Leave blank to use the format's usual length.")
    ends = forms.ChoiceField(label="For how long", required=False, widget=forms.RadioSelect, choices=[
        ("ongoing", "Ongoing"), ("count", "A set number of sessions"), ("until", "Until a date")],
        help_text="Leave unselected for an ongoing group.")
    count = forms.IntegerField(label="Number of sessions", required=False, min_value=1, max_value=10_000,
                               widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}))
    until = forms.DateField(label="Date of the last session", required=False, widget=DATE,
                            help_text="For example, 15 3 2027",
                            error_messages={"invalid": "Date of the last session must be a real date"})

    def __init__(self, *args, group: PeerGroup | None = None, now: datetime | None = None, **kwargs):
        self.group, self.now = group, now or timezone.now()
        self.schedule = Schedule.objects.filter(group=group).first() if group else None
        if group is not None:
            kwargs.setdefault("initial", self._initial_from(group))
        super().__init__(*args, **kwargs)
        if group is not None and group.status != PeerGroup.Status.DRAFT:
            for name in ("format", "membership"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Cannot change once the group is published."

    def _initial_from(self, group: PeerGroup) -> dict:
        rows = list(group.eligibility.all())
        initial = {name: getattr(group, name) for name in (
            "title", "format", "description", "membership", "intake_open", "capacity", "delivery",
            "venue", "external_url")}
        rules = group.current_ground_rules
        initial.update(
            ground_rules=rules.text if rules else "",
            professions=[r.value for r in rows if r.kind == "profession"],
            career_stages=[r.value for r in rows if r.kind == "career_stage"],
        )
        if s := self.schedule:
            end = datetime.combine(s.first_date, s.start_time) + timedelta(minutes=group.duration_minutes)
            initial.update(frequency=s.frequency, first_date=s.first_date, start_time=s.start_time,
                           end_time=end.time(), count=s.count, until=s.until,
                           ends="count" if s.count else "until" if s.until else "ongoing")
        return initial

    def clean(self):
        data = super().clean()
        if not data.get("format"):
            return data
        defaults = defaults_for(data["format"])
        data["membership"] = data.get("membership") or defaults.membership
        data["frequency"] = data.get("frequency") or defaults.frequency
        if data.get("capacity") is None and "capacity" not in self.errors:
            data["capacity"] = defaults.capacity
        if data.get("capacity") and (problem := capacity_error(data["format"], data["capacity"])):
            self.add_error("capacity", problem)
        self._clean_length(data, defaults.minutes)
        self._clean_delivery(data)
        self._clean_schedule(data)
        return data

    def _clean_length(self, data: dict, default_minutes: int) -> None:
        start, end = data.get("start_time"), data.get("end_time")
        if start is None:
            return
        if end is None:
            if "end_time" not in self.errors:
                data["duration_minutes"] = default_minutes
            return
        day = date(2000, 1, 3)
        minutes = int((datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() // 60)
        if minutes <= 0:
            self.add_error("end_time", "The end time must be after the start time")
        elif problem := minutes_error(data["format"], minutes):
            self.add_error("end_time", problem)
        else:
            data["duration_minutes"] = minutes

    def _clean_delivery(self, data: dict) -> None:
        delivery = data.get("delivery")
        if delivery == PeerGroup.Delivery.IN_PERSON and not data.get("venue"):
            self.add_error("venue", "Enter where the group meets")
        link_missing = not data.get("external_url") and "external_url" not in self.errors
        if delivery == PeerGroup.Delivery.EXTERNAL and link_missing:
            self.add_error("external_url", "Enter the meeting link, starting with https://")

    def _clean_schedule(self, data: dict) -> None:
        if data.get("first_date") is None or data.get("start_time") is None:
            return
        ends = data.get("ends") or "ongoing"
        if data["frequency"] != Frequency.ONCE:
            if ends == "count" and data.get("count") is None and "count" not in self.errors:
                self.add_error("count", "Enter the number of sessions")
            if ends == "until" and data.get("until") is None and "until" not in self.errors:
                self.add_error("until", "Enter the date of the last session")
        spec = self._spec(data)
        previous = ScheduleSpec.of(self.schedule) if self.schedule else None
        for name, problem in schedule_errors(spec, now=self.now, previous=previous).items():
            if name not in self.errors:
                self.add_error(name, problem)

    def _spec(self, data: dict) -> ScheduleSpec:
        ends = data.get("ends") or "ongoing"
        return ScheduleSpec(
            frequency=data["frequency"], first_date=data["first_date"], start_time=data["start_time"],
            count=data.get("count") if ends == "count" else None,
            until=data.get("until") if ends == "until" else None,
        )

    def details(self) -> GroupDetails:
        data = self.cleaned_data
        values = {name: data[name] for name in (
            "title", "format", "description", "membership", "intake_open", "capacity", "duration_minutes",
            "delivery")}
        # Keep only the delivery detail that applies, so a stale link or venue never shows.
        values["venue"] = data.get("venue", "") if data["delivery"] == PeerGroup.Delivery.IN_PERSON else ""
        values["external_url"] = data.get("external_url", "") if data["delivery"] == PeerGroup.Delivery.EXTERNAL else ""
        return GroupDetails(values=values, ground_rules=data["ground_rules"],
                            professions=data.get("professions", []), career_stages=data.get("career_stages", []))

    def schedule_spec(self) -> ScheduleSpec:
        return self._spec(self.cleaned_data)


def programme_choice_add(form: GroupForm, programmes: list) -> None:
    """A new group's programme: a choice only for someone who facilitates in
    several (with one, the group is in it and nothing is asked). The only
    programme's ground rules template, if it has one, is the starting text."""
    if len(programmes) == 1 and programmes[0].ground_rules_default and not form.is_bound:
        form.initial["ground_rules"] = programmes[0].ground_rules_default
    if len(programmes) > 1:
        form.fields["programme"] = forms.ChoiceField(
            label="Programme", choices=[(p.code, p.name) for p in programmes], widget=forms.RadioSelect,
            error_messages={"required": "Select the programme this group belongs to",
                            "invalid_choice": "Select the programme this group belongs to"},
            help_text="Only people eligible for the programme can find the group; its admins can manage it.")
        form.programmes = {p.code: p for p in programmes}


def chosen_programme(form: GroupForm):
    return getattr(form, "programmes", {}).get(form.cleaned_data.get("programme"))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form (the service re-checks what the form checked)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


class SessionMoveForm(forms.Form):
    date = forms.DateField(label="Date", widget=DATE, help_text="For example, 15 3 2027",
                           error_messages={"required": "Enter the date", "invalid": "Date must be a real date"})
    start_time = forms.TimeField(label="Start time", widget=TIME, help_text="UK time.",
                                 error_messages={"required": "Enter the start time"})
    end_time = forms.TimeField(label="End time", widget=TIME, error_messages={"required": "Enter the end time"})

    def clean(self):
        data = super().clean()
        if all(data.get(k) is not None for k in ("date", "start_time", "end_time")):
            data["starts_at"] = datetime.combine(data["date"], data["start_time"], tzinfo=LONDON)
            data["ends_at"] = datetime.combine(data["date"], data["end_time"], tzinfo=LONDON)
        return data


class SessionCancelForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=300, required=False,
                             help_text="Shown to people with a place, for example \"facilitator unwell\".")


class CoFacilitatorForm(forms.Form):
    email = forms.EmailField(label="Email address of the co-facilitator", max_length=254,
                             help_text="They must already have the facilitator role.",
                             error_messages={"required": "Enter an email address"})


DAYS = [("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday"),
        ("6", "Saturday"), ("7", "Sunday")]


SEARCH_MAX = 100  # characters of a keyword search; longer is cut, never an error


class BrowseForm(forms.Form):
    """GET filters. Unknown values are dropped rather than shown as errors."""

    q = forms.CharField(label="Search groups", required=False, max_length=SEARCH_MAX, strip=True,
                        help_text="For example, Balint, nights or grief",
                        widget=forms.TextInput(attrs={"type": "search", "maxlength": SEARCH_MAX,
                                                      "autocomplete": "off", "spellcheck": "false"}))
    format = forms.ChoiceField(label="Format", required=False, choices=[("", "Any format")] + Format.choices)
    for_me = forms.BooleanField(label="Only groups open to my profession and career stage", required=False)
    weekday = forms.TypedChoiceField(label="Day of the week", required=False, coerce=int, empty_value=None,
                                     choices=[("", "Any day")] + DAYS)
    time_of_day = forms.ChoiceField(label="Time of day", required=False, choices=[
        ("", "Any time"), ("morning", "Morning (before 12 midday)"), ("afternoon", "Afternoon (12 midday to 5pm)"),
        ("evening", "Evening (after 5pm)")])
    where = forms.ChoiceField(label="Online or in person", required=False, choices=[
        ("", "Either"), ("online", "Online"), ("in_person", "In person")])
    membership = forms.ChoiceField(label="Membership", required=False, choices=[
        ("", "Open or closed"), ("open", "Open: book each session"), ("closed", "Closed: apply to join")])
    places = forms.BooleanField(label="Only groups with places available", required=False)

    FILTERS = ("programme", "format", "for_me", "weekday", "time_of_day", "where", "membership", "places")

    @classmethod
    def from_query(cls, query, *, signed_in: bool = True, programmes=()) -> "BrowseForm":
        """`programmes`: those the person may browse; with more than one, a
        "Programme" filter offers them (and only them)."""
        query = query.copy()
        if "q" in query:  # no control characters (PostgreSQL refuses NUL), bounded
            query["q"] = "".join(ch for ch in query.get("q", "") if ch.isprintable())[:SEARCH_MAX]
        if not signed_in:  # no profile to match, and only open groups are shown
            for name in ("for_me", "membership"):
                query.pop(name, None)
        probe = cls(query)
        probe._programme_choice(programmes)
        if probe.is_valid() and signed_in:  # nothing to drop: the probe is the form
            return probe
        valid = {name: query.get(name) for name in probe.fields if name in query and name not in probe.errors}
        form = cls(valid)
        form._programme_choice(programmes)
        if not signed_in:
            del form.fields["for_me"], form.fields["membership"]
        form.is_valid()
        return form

    def _programme_choice(self, programmes) -> None:
        if len(programmes) > 1:
            self.fields["programme"] = forms.ChoiceField(
                label="Programme", required=False,
                choices=[("", "Any programme")] + [(p.code, p.name) for p in programmes])

    def search_field(self):
        return self["q"]

    def filter_fields(self):
        return [self[name] for name in self.FILTERS if name in self.fields]

    @property
    def filters_applied(self) -> int:
        return sum(1 for name in self.FILTERS if self.cleaned_data.get(name) not in (None, "", False))


class ProgrammeFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status")] + PeerGroup.Status.choices)
