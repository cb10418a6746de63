"""Every form in the project, fed random data (hypothesis) through the page
that uses it and directly: never a server error.

A page answers malformed input with its form and an NHS.UK error summary, a
redirect, or a 400/404/405/429; `form.is_valid()` never raises. A new form
class fails `test_every_form_is_fuzzed` until it gets a target below.
"""

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django import forms
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import ProfileForm
from accounts.tests.factories import ProgrammeAdminFactory
from groups.forms import (
    BrowseForm,
    CoFacilitatorForm,
    GroupForm,
    ProgrammeFilterForm,
    SessionCancelForm,
    SessionMoveForm,
)
from notifications.forms import PreferenceForm
from notifications.selectors import preference_for_user
from privacy.forms import EraseForm
from programmes.forms import InvitationForm, ProgrammeCreateForm, ProgrammeForm, SignpostForm
from programmes.models import Programme, Signpost, default_programme_pk
from programmes.tests.factories import ProgrammeFactory
from reports.forms import PeriodForm
from signups.forms import (
    ApplicationForm,
    DecisionForm,
    FeedbackForm,
    GroundRulesForm,
    IntakeForm,
    ProgrammeMoveForm,
    RegisterForm,
)
from signups.selectors import register_bookings
from signups.tests.factories import (
    BookingFactory,
    ClosedGroupFactory,
    GroundRulesFactory,
    GroupSessionFactory,
    MembershipFactory,
    PeerGroupFactory,
)

pytestmark = pytest.mark.django_db

FORM_APPS = ("accounts", "core", "groups", "signups", "notifications", "privacy", "reports", "rooms", "programmes")
ALLOWED = {200, 302, 400, 404, 405, 429}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree; failures print their example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def project_forms() -> dict[str, type]:
    """Every Form and ModelForm class defined in an app's forms module
    (but private bases, `_Name`, which no page binds: their subclasses do)."""
    found = {}
    for app in FORM_APPS:
        if importlib.util.find_spec(f"{app}.forms") is None:
            continue
        module = importlib.import_module(f"{app}.forms")
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__ and not name.startswith("_")):
                found[f"{app}.{name}"] = value
    return found


# --- the objects the pages act on ---------------------------------------------------
@dataclass
class World:
    practitioner: object
    facilitator: object
    programme_admin: object
    group: object  # open, with ground rules, run by `facilitator`
    session: object  # upcoming, in `group`
    closed_group: object
    finished: object  # a session of `group` that has ended, with places
    installation_admin: object  # a superuser with two-factor authentication
    two_programme_admin: object  # runs the default programme and `other_programme`
    other_programme: object
    movable: object  # a group of the default programme with no history

    def finished_with_place(self):
        """A new ended session where the practitioner held a place (feedback is once per place)."""
        start = timezone.now() - timedelta(hours=2)
        session = GroupSessionFactory(group=self.group, starts_at=start, ends_at=start + timedelta(minutes=75))
        BookingFactory(session=session, user=self.practitioner)
        return session


@pytest.fixture
def world(practitioner, facilitator, programme_admin, admin_user):
    admin_user.onboarded_at = timezone.now()
    admin_user.save()
    other_programme = ProgrammeFactory()
    two_programme_admin = ProgrammeAdminFactory(programmes=[None, other_programme])
    group = PeerGroupFactory(facilitators=[facilitator])
    GroundRulesFactory(group=group)
    start = timezone.now() - timedelta(hours=2)
    finished = GroupSessionFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=75))
    BookingFactory(session=finished, user=practitioner)
    BookingFactory(session=finished)
    return World(
        practitioner=practitioner, facilitator=facilitator, programme_admin=programme_admin, group=group,
        session=GroupSessionFactory(group=group), closed_group=ClosedGroupFactory(facilitators=[facilitator]),
        finished=finished, installation_admin=admin_user, two_programme_admin=two_programme_admin,
        other_programme=other_programme, movable=PeerGroupFactory(),
    )


def signups_url(name: str, *objects) -> str:
    return reverse(f"signups:{name}", args=[o.code for o in objects])


# --- which page uses each form, and who may use it ----------------------------------
@dataclass(frozen=True)
class Target:
    form: str  # "app.FormClass"
    method: str  # "get" for filter forms, else "post"
    who: str  # a World attribute
    url: Callable  # World -> URL; makes fresh objects where a valid post uses them up
    build: Callable  # (World, data) -> the form bound as its view binds it
    # accounts' views bind `request.POST or None`, so an empty post shows the
    # blank form again rather than its "required" errors (still never a 500).
    empty_post_is_unbound: bool = False

    @property
    def id(self) -> str:
        return f"{self.form}@{self.url.__name__}"


def _profile(w):
    return reverse("accounts:profile")


def _create(w):
    return reverse("groups:create")


def _edit(w):
    return reverse("groups:edit", args=[w.group.code])


def _move(w):
    return reverse("groups:session_move", args=[w.session.code])


def _cancel(w):
    return reverse("groups:session_cancel", args=[GroupSessionFactory(group=w.group).code])


def _facilitators(w):
    return reverse("groups:facilitators", args=[w.group.code])


def _browse(w):
    return reverse("groups:browse")


def _programme(w):
    return reverse("groups:programme")


def _programme_people(w):
    return reverse("programmes:people", args=[Programme.objects.get(pk=default_programme_pk()).code])


def _programme_create(w):
    return reverse("programmes:create")


def _programme_edit(w):
    return reverse("programmes:edit", args=[Programme.objects.get(pk=default_programme_pk()).code])


def _programme_edit_any(w):
    """As _programme_edit, for an installation admin (who may open it to all NHS staff)."""
    return _programme_edit(w)


def _signposts(w):
    return reverse("programmes:signposts", args=[Programme.objects.get(pk=default_programme_pk()).code])


def _signpost_edit(w):
    programme = Programme.objects.get(pk=default_programme_pk())
    signpost = Signpost.objects.create(programme=programme, name="Occupational health", detail="Call us")
    return reverse("programmes:signpost_edit", args=[programme.code, signpost.code])


def _programme_move(w):
    return signups_url("programme_move", w.movable)


def _preferences(w):
    return reverse("notifications:preferences")


def _erase(w):
    return reverse("privacy:erase")


def _report(w):
    return reverse("reports:index")


def _report_csv(w):
    return reverse("reports:csv")


def _overview(w):
    return reverse("reports:overview")


def _overview_csv(w):
    return reverse("reports:overview_csv")


def _ground_rules(w):
    return signups_url("ground_rules", w.group)


def _apply(w):
    return signups_url("apply", w.closed_group)


def _decide(w):
    return signups_url("decide", w.closed_group, MembershipFactory(group=w.closed_group))


def _intake(w):
    return signups_url("intake", w.closed_group)


def _register(w):
    return signups_url("register", w.finished)


def _feedback(w):
    return signups_url("feedback", w.finished_with_place())


TARGETS = [
    Target("accounts.ProfileForm", "post", "practitioner", _profile,
           lambda w, d: ProfileForm(d, instance=w.practitioner)),
    Target("groups.GroupForm", "post", "facilitator", _create, lambda w, d: GroupForm(d)),
    Target("groups.GroupForm", "post", "facilitator", _edit, lambda w, d: GroupForm(d, group=w.group)),
    Target("groups.SessionMoveForm", "post", "facilitator", _move, lambda w, d: SessionMoveForm(d)),
    Target("groups.SessionCancelForm", "post", "facilitator", _cancel, lambda w, d: SessionCancelForm(d)),
    Target("groups.CoFacilitatorForm", "post", "facilitator", _facilitators, lambda w, d: CoFacilitatorForm(d)),
    Target("groups.BrowseForm", "get", "practitioner", _browse, lambda w, d: BrowseForm.from_query(d or QueryDict())),
    Target("groups.ProgrammeFilterForm", "get", "programme_admin", _programme, lambda w, d: ProgrammeFilterForm(d)),
    Target("programmes.InvitationForm", "post", "programme_admin", _programme_people,
           lambda w, d: InvitationForm(d)),
    Target("programmes.ProgrammeCreateForm", "post", "installation_admin", _programme_create,
           lambda w, d: ProgrammeCreateForm(d)),
    Target("programmes.ProgrammeForm", "post", "programme_admin", _programme_edit,
           lambda w, d: ProgrammeForm(d, installation_admin=False)),
    Target("programmes.ProgrammeForm", "post", "installation_admin", _programme_edit_any,
           lambda w, d: ProgrammeForm(d, installation_admin=True)),
    Target("programmes.SignpostForm", "post", "programme_admin", _signposts, lambda w, d: SignpostForm(d)),
    Target("programmes.SignpostForm", "post", "programme_admin", _signpost_edit, lambda w, d: SignpostForm(d)),
    Target("signups.ProgrammeMoveForm", "post", "two_programme_admin", _programme_move,
           lambda w, d: ProgrammeMoveForm(d, programmes=[w.other_programme])),
    Target("notifications.PreferenceForm", "post", "practitioner", _preferences,
           lambda w, d: PreferenceForm(d, instance=preference_for_user(user=w.practitioner))),
    Target("privacy.EraseForm", "post", "practitioner", _erase, lambda w, d: EraseForm(d)),
    Target("reports.PeriodForm", "get", "programme_admin", _report, lambda w, d: PeriodForm(d)),
    Target("reports.PeriodForm", "get", "programme_admin", _report_csv, lambda w, d: PeriodForm(d)),
    Target("reports.PeriodForm", "get", "installation_admin", _overview, lambda w, d: PeriodForm(d)),
    Target("reports.PeriodForm", "get", "installation_admin", _overview_csv, lambda w, d: PeriodForm(d)),
    Target("signups.GroundRulesForm", "post", "practitioner", _ground_rules,
           lambda w, d: GroundRulesForm(d, current_version=w.group.current_ground_rules.version)),
    Target("signups.ApplicationForm", "post", "practitioner", _apply, lambda w, d: ApplicationForm(d)),
    Target("signups.DecisionForm", "post", "facilitator", _decide, lambda w, d: DecisionForm(d)),
    Target("signups.IntakeForm", "post", "facilitator", _intake, lambda w, d: IntakeForm(d)),
    Target("signups.RegisterForm", "post", "facilitator", _register,
           lambda w, d: RegisterForm(d, bookings=register_bookings(w.finished))),
    Target("signups.FeedbackForm", "post", "practitioner", _feedback, lambda w, d: FeedbackForm(d)),
]

# --- random data ---------------------------------------------------------------------
# Names a view might read outside the form, and names no form has.
JUNK_NAMES = ["next", "intent", "session", "page", "code", "id", "pk", "user", "status", "csrfmiddlewaretoken",
              "__proto__", "a[]", "ünïcødé", ""]
# Values that parse as something: dates, times, numbers, booleans, near-misses.
PLAUSIBLE = ["", " ", "on", "1", "0", "-1", "true", "false", "None", "2026-02-30", "2026-03-04", "9999-12-31",
             "0001-01-01", "12:45", "25:99", "23:59", "1e309", "NaN", "99999999999999999999", "https://nhs.uk/x",
             "javascript:alert(1)", "a@nhs.net", "@", "<script>alert(1)</script>", "' OR 1=1 --"]
TEXT = st.text(max_size=60)
WITH_NUL = st.builds(lambda a, b: f"{a}\x00{b}", TEXT, TEXT)
HUGE = st.builds(lambda char, n: char * n, st.characters(exclude_categories=("Cs",)), st.integers(1_000, 100_000))
NUMBER = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)).map(str)


def values_for(form: forms.BaseForm):
    choices = [str(value) for field in form.fields.values() for value, _ in getattr(field, "choices", [])]
    scalar = st.one_of(TEXT, WITH_NUL, HUGE, NUMBER, st.sampled_from(PLAUSIBLE + (choices or [""])))
    return st.one_of(scalar, st.lists(scalar, min_size=1, max_size=4))


def form_data(form: forms.BaseForm):
    """Random dicts of the form's own field names, junk names and random names."""
    names = st.one_of(st.sampled_from(list(form.fields)), st.sampled_from(JUNK_NAMES), st.text(max_size=20))
    return st.dictionaries(names, values_for(form), max_size=10)


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


# --- tests ---------------------------------------------------------------------------
def test_every_form_is_fuzzed():
    assert set(project_forms()) == {target.form for target in TARGETS}


def test_the_collector_finds_forms_in_every_app():
    found = project_forms()
    assert {"accounts.ProfileForm", "groups.GroupForm", "signups.FeedbackForm", "reports.PeriodForm"} <= set(found)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_random_data_through_the_page_is_never_a_server_error(target, world):
    # One client for every example: each new one builds the middleware again,
    # and WhiteNoise's scans the static files, which costs more than a request.
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world, target.who))

    @FUZZ
    @given(data=form_data(target.build(world, None)))
    def submit(data):
        cache.clear()  # the rate limits are tested elsewhere; here every example must reach the form
        response = getattr(client, target.method)(target.url(world), data)
        assert response.status_code in ALLOWED, (response.status_code, data)
        if target.method == "post" and response.status_code == 200 and (data or not target.empty_post_is_unbound):
            # A posted form shown again is shown with its errors.
            assert "nhsuk-error-summary" in response.text
            assert "<title>Error: " in response.text

    submit()


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_is_valid_never_raises(target, world):
    @FUZZ
    @given(data=form_data(target.build(world, None)))
    def validate(data):
        form = target.build(world, as_querydict(data))
        form.is_valid()
        str(form)  # and it renders its errors

    validate()


# Inputs the fuzzing found to fail once, kept as fixed examples.
CURRENT_RULES = "<the version of the ground rules shown>"
FOUND = [
    # `next=0` passed the host check and `redirect("0")` looked for a view called "0".
    ("signups.ApplicationForm@_apply", {"next": "0"}),
    ("signups.GroundRulesForm@_ground_rules", {"agree": "on", "version": CURRENT_RULES, "next": "0"}),
]


@pytest.mark.parametrize(("target_id", "data"), FOUND)
def test_inputs_that_once_failed_are_answered(target_id, data, world):
    target = next(t for t in TARGETS if t.id == target_id)
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world, target.who))
    version = str(world.group.current_ground_rules.version)
    data = {name: version if value == CURRENT_RULES else value for name, value in data.items()}
    response = getattr(client, target.method)(target.url(world), data)
    assert response.status_code == 302
    assert response["Location"] != "0"
