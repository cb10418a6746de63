"""Moving a group between programmes: only a group with no history, only by
someone who runs both programmes; any refusal changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, ProgrammeAdminFactory, UserFactory
from audit.models import AuditEvent
from groups.models import PeerGroup
from groups.tests.factories import GroundRulesFactory, GroupSessionFactory, PeerGroupFactory
from programmes.models import Programme, default_programme_pk
from programmes.tests.factories import ProgrammeFactory
from signups.errors import SignupRefused
from signups.models import Booking, GroundRulesAcceptance
from signups.services import booking_create, group_programme_move
from signups.services import bookings as bookings_service
from signups.tests.factories import BookingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    return Programme.objects.get(pk=default_programme_pk())


@pytest.fixture
def trust():
    return ProgrammeFactory(name="Trust B Schwartz Rounds")


@pytest.fixture
def ruth(national, trust):
    return FacilitatorFactory(display_name="Ruth", programmes=[national, trust])


@pytest.fixture
def both_admin(national, trust):
    return ProgrammeAdminFactory(programmes=[national, trust])


@pytest.fixture
def group(national, ruth):
    group = PeerGroupFactory(programme=national, facilitators=[ruth], title="A new group")
    GroupSessionFactory(group=group)  # a session to come, nobody booked
    return group


def _move_url(group) -> str:
    return reverse("signups:programme_move", args=[group.code])


def _programme_of(group) -> int:
    return PeerGroup.objects.values_list("programme_id", flat=True).get(pk=group.pk)


def test_an_admin_of_both_programmes_moves_a_group_without_history(client, group, trust, both_admin):
    client.force_login(both_admin)
    page = client.get(_move_url(group)).content.decode()
    assert trust.name in page
    response = client.post(_move_url(group), {"programme": trust.code})
    assert response.status_code == 302
    assert _programme_of(group) == trust.pk
    assert AuditEvent.objects.filter(action="group.programme_move", object_code=group.code, actor=both_admin).exists()
    assert AuditEvent.objects.filter(action="programme.group_moved_in", object_code=trust.code).exists()


def test_an_installation_admin_moves_it_too(group, trust, admin_user):
    group_programme_move(group=group, programme=trust, actor=admin_user)
    assert _programme_of(group) == trust.pk


def _booked(group):
    BookingFactory(session=group.sessions.first())


def _cancelled_booking(group):
    BookingFactory(session=group.sessions.first(), status=Booking.Status.CANCELLED)


def _applied(group):
    MembershipFactory(group=group)


def _met(group):
    starts = timezone.now() - timedelta(days=1)
    GroupSessionFactory(group=group, starts_at=starts, ends_at=starts + timedelta(hours=1))


def _ground_rules_accepted(group):
    GroundRulesAcceptance.objects.create(user=UserFactory(), ground_rules=GroundRulesFactory(group=group))


@pytest.mark.parametrize(("history", "words"), [
    (_booked, "bookings"), (_cancelled_booking, "bookings"), (_applied, "applications or members"),
    (_met, "sessions that have already started"), (_ground_rules_accepted, "accepted its ground rules"),
])
def test_a_group_with_history_is_refused_and_nothing_changes(history, words, client, group, national, trust,
                                                             both_admin):
    history(group)
    client.force_login(both_admin)
    assert words in client.get(_move_url(group)).content.decode()
    response = client.post(_move_url(group), {"programme": trust.code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert "This group cannot move" in page
    assert _programme_of(group) == national.pk
    assert not AuditEvent.objects.filter(action="group.programme_move").exists()


def test_a_facilitator_who_does_not_facilitate_in_the_new_programme_blocks_the_move(group, national, trust,
                                                                                   both_admin):
    group.facilitation_set.create(user=FacilitatorFactory(display_name="Tom", programmes=[national]))
    with pytest.raises(ValidationError, match="Tom does not facilitate in Trust B Schwartz Rounds"):
        group_programme_move(group=group, programme=trust, actor=both_admin)
    assert _programme_of(group) == national.pk


def test_a_move_to_its_own_programme_is_refused(group, national, both_admin):
    with pytest.raises(ValidationError, match="already in"):
        group_programme_move(group=group, programme=national, actor=both_admin)


def test_an_admin_of_one_of_the_programmes_may_not_move_it(group, national, trust, client):
    admin = ProgrammeAdminFactory(programmes=[national])
    with pytest.raises(PermissionDenied):
        group_programme_move(group=group, programme=trust, actor=admin)
    client.force_login(admin)
    assert client.get(_move_url(group)).status_code == 404
    assert client.post(_move_url(group), {"programme": trust.code}).status_code == 404
    assert _programme_of(group) == national.pk


@pytest.mark.parametrize("who", ["facilitator", "member", "target_admin", "other_admin"])
def test_nobody_else_reaches_the_page(who, group, national, trust, client, ruth):
    people = {
        "facilitator": ruth,  # runs the group, but no programme
        "member": UserFactory(),
        "target_admin": ProgrammeAdminFactory(programmes=[trust]),
        "other_admin": ProgrammeAdminFactory(programmes=[trust, ProgrammeFactory()]),
    }
    client.force_login(people[who])
    assert client.get(_move_url(group)).status_code == 404
    assert client.post(_move_url(group), {"programme": trust.code}).status_code == 404
    assert _programme_of(group) == national.pk


def test_a_programme_the_mover_does_not_run_is_not_a_choice(group, national, trust, client):
    admin = ProgrammeAdminFactory(programmes=[national, ProgrammeFactory()])
    client.force_login(admin)
    response = client.post(_move_url(group), {"programme": trust.code})
    assert response.status_code == 200
    assert "Select the programme to move the group to" in response.content.decode()
    assert _programme_of(group) == national.pk


@pytest.mark.parametrize("value", ["", "x" * 300, "\x00", "%"])
def test_malformed_choices_show_the_error_summary(value, group, both_admin, national, client):
    client.force_login(both_admin)
    response = client.post(_move_url(group), {"programme": value})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert _programme_of(group) == national.pk


def test_the_manage_page_offers_the_move_only_to_admins_of_several_programmes(group, national, both_admin, client):
    client.force_login(both_admin)
    assert _move_url(group) in client.get(reverse("groups:manage", args=[group.code])).content.decode()
    client.force_login(ProgrammeAdminFactory(programmes=[national]))
    assert _move_url(group) not in client.get(reverse("groups:manage", args=[group.code])).content.decode()


def test_once_moved_only_the_new_programmes_people_find_it(group, trust, both_admin, client):
    outsider = UserFactory(email="nurse@nhs.net")
    group_programme_move(group=group, programme=trust, actor=both_admin)
    client.force_login(outsider)
    assert client.get(reverse("groups:detail", args=[group.code])).status_code == 404


@pytest.fixture
def move_after_the_checks(monkeypatch, group, trust, both_admin):
    """The group moves to `trust` after a booking's eligibility checks and
    before its session's lock (the move waits for no booking that has not
    locked yet): the interleaving that used to book the group where it went."""
    checks = bookings_service.check_session_bookable

    def checks_then_move(**kwargs):
        checks(**kwargs)
        group_programme_move(group=PeerGroup.objects.get(pk=group.pk), programme=trust, actor=both_admin)

    monkeypatch.setattr(bookings_service, "check_session_bookable", checks_then_move)


@pytest.mark.usefixtures("move_after_the_checks")
@pytest.mark.parametrize("join_waitlist", [False, True])
def test_a_booking_checked_before_a_move_is_refused_after_it(group, trust, practitioner, join_waitlist):
    session = group.sessions.get()
    with pytest.raises(SignupRefused) as refused:
        booking_create(session=session, user=practitioner, join_waitlist=join_waitlist)
    assert refused.value.reason == "moved"
    assert _programme_of(group) == trust.pk
    assert not Booking.objects.filter(session=session).exists()


@pytest.mark.usefixtures("move_after_the_checks")
def test_the_person_is_told_and_sent_to_browse(client, group, practitioner):
    session = group.sessions.get()
    client.force_login(practitioner)
    response = client.post(reverse("signups:book", args=[session.code]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("groups:browse")
    assert "This group has just moved to another programme" in response.text
    assert not Booking.objects.filter(session=session).exists()


@pytest.mark.usefixtures("move_after_the_checks")
def test_someone_eligible_in_the_new_programme_still_books(group, trust, practitioner):
    trust.all_nhs_staff = True
    trust.save()
    booking = booking_create(session=group.sessions.get(), user=practitioner)
    assert booking.status == Booking.Status.CONFIRMED
    assert _programme_of(group) == trust.pk
