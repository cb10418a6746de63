from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Profession
from accounts.tests.factories import UserFactory
from groups.models import Eligibility, GroupSession, PeerGroup
from signups import signals
from signups.errors import GroundRulesRequired, SessionFull, SignupRefused
from signups.models import Booking
from signups.services import (
    booking_cancel,
    booking_create,
    ground_rules_accept,
    group_promote_waiting,
    session_promote_waiting,
)
from signups.tests.factories import BookingFactory, CommonRoomFactory, GroundRulesFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_session(group):
    return GroupSessionFactory(group=group, capacity=2)


def fill(session, n):
    return [booking_create(session=session, user=UserFactory()) for _ in range(n)]


def test_it_books_a_place(session, practitioner):
    booking = booking_create(session=session, user=practitioner)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.confirmed_at is not None
    assert not booking.via_membership


def test_booking_twice_changes_nothing(session, practitioner):
    first = booking_create(session=session, user=practitioner)
    second = booking_create(session=session, user=practitioner)
    assert second.pk == first.pk
    assert second.confirmed_at == first.confirmed_at
    assert Booking.objects.filter(session=session).count() == 1


def test_it_refuses_a_full_session_unless_asked_to_queue(small_session, practitioner):
    fill(small_session, 2)
    with pytest.raises(SessionFull):
        booking_create(session=small_session, user=practitioner)
    assert not Booking.objects.filter(user=practitioner).exists()
    booking = booking_create(session=small_session, user=practitioner, join_waitlist=True)
    assert booking.status == Booking.Status.WAITLISTED
    assert booking.queued_at is not None


def test_joining_the_waitlist_with_a_free_place_books_it(session, practitioner):
    booking = booking_create(session=session, user=practitioner, join_waitlist=True)
    assert booking.status == Booking.Status.CONFIRMED


def test_cancelling_gives_the_place_to_the_first_in_line(small_session):
    a, _ = fill(small_session, 2)
    first, second = UserFactory(), UserFactory()
    booking_create(session=small_session, user=first, join_waitlist=True)
    booking_create(session=small_session, user=second, join_waitlist=True)
    booking_cancel(booking=a)
    assert Booking.objects.get(user=first).status == Booking.Status.CONFIRMED
    assert Booking.objects.get(user=second).status == Booking.Status.WAITLISTED
    assert Booking.objects.filter(session=small_session, status="confirmed").count() == 2


def test_promotion_sends_its_signal_after_commit(small_session, django_capture_on_commit_callbacks):
    a, _ = fill(small_session, 2)
    waiting = booking_create(session=small_session, user=UserFactory(), join_waitlist=True)
    received = []
    signals.waitlist_promoted.connect(lambda sender, booking, **kw: received.append(booking.pk), weak=False,
                                      dispatch_uid="test-promoted")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking_cancel(booking=a)
    finally:
        signals.waitlist_promoted.disconnect(dispatch_uid="test-promoted")
    assert received == [waiting.pk]


def test_cancelling_twice_changes_nothing(session, practitioner):
    booking = booking_create(session=session, user=practitioner)
    first = booking_cancel(booking=booking)
    second = booking_cancel(booking=booking)
    assert second.status == Booking.Status.CANCELLED
    assert second.cancelled_at == first.cancelled_at


def test_leaving_the_waitlist_promotes_nobody_and_is_not_late(small_session):
    fill(small_session, 2)
    waiting = booking_create(session=small_session, user=UserFactory(), join_waitlist=True)
    cancelled = booking_cancel(booking=waiting)
    assert cancelled.status == Booking.Status.CANCELLED
    assert not cancelled.late_cancellation


def test_a_cancellation_within_24_hours_is_flagged_late(group, practitioner):
    soon = GroupSessionFactory(group=group, starts_at=timezone.now() + timedelta(hours=5))
    booking = booking_create(session=soon, user=practitioner)
    assert booking_cancel(booking=booking).late_cancellation


def test_a_cancellation_days_ahead_is_not_late(session, practitioner):
    booking = booking_create(session=session, user=practitioner)
    assert not booking_cancel(booking=booking).late_cancellation


def test_booking_again_after_cancelling_reuses_the_row(session, practitioner):
    booking = booking_create(session=session, user=practitioner)
    booking_cancel(booking=booking)
    again = booking_create(session=session, user=practitioner)
    assert again.pk == booking.pk
    assert again.status == Booking.Status.CONFIRMED
    assert again.cancelled_at is None


def test_it_refuses_a_past_session(group, practitioner):
    past = GroupSessionFactory(group=group, starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(SignupRefused) as exc:
        booking_create(session=past, user=practitioner)
    assert exc.value.reason == "past"


def test_it_refuses_a_cancelled_session(group, practitioner):
    cancelled = GroupSessionFactory(group=group, status=GroupSession.Status.CANCELLED)
    with pytest.raises(SignupRefused) as exc:
        booking_create(session=cancelled, user=practitioner)
    assert exc.value.reason == "cancelled"


@pytest.mark.parametrize("status", [PeerGroup.Status.DRAFT, PeerGroup.Status.ARCHIVED])
def test_it_refuses_unpublished_groups(group, session, practitioner, status):
    PeerGroup.objects.filter(pk=group.pk).update(status=status)
    session.refresh_from_db()
    with pytest.raises(SignupRefused) as exc:
        booking_create(session=session, user=practitioner)
    assert exc.value.reason == "unavailable"


def test_it_refuses_a_closed_group_without_membership(closed_session, practitioner):
    with pytest.raises(SignupRefused) as exc:
        booking_create(session=closed_session, user=practitioner)
    assert exc.value.reason == "closed_group"


def test_it_refuses_people_the_group_is_not_for(group, session, practitioner):
    Eligibility.objects.create(group=group, kind=Eligibility.Kind.PROFESSION, value=Profession.DOCTOR)
    with pytest.raises(SignupRefused) as exc:
        booking_create(session=session, user=practitioner)
    assert exc.value.reason == "not_eligible"
    assert "doctor" in exc.value.message


def test_ground_rules_come_first_and_a_new_version_again(group, session, practitioner):
    rules = GroundRulesFactory(group=group, version=1)
    with pytest.raises(GroundRulesRequired) as exc:
        booking_create(session=session, user=practitioner)
    assert exc.value.ground_rules == rules
    ground_rules_accept(user=practitioner, ground_rules=rules)
    booking_create(session=session, user=practitioner)
    newer = GroundRulesFactory(group=group, version=2)
    later = GroupSessionFactory(group=group, starts_at=session.starts_at + timedelta(days=7))
    with pytest.raises(GroundRulesRequired) as exc:
        booking_create(session=later, user=practitioner)
    assert exc.value.ground_rules == newer


def test_a_common_room_has_no_waitlist_and_takes_people_while_it_runs(practitioner):
    room = CommonRoomFactory(capacity=2)
    running = GroupSessionFactory(group=room, starts_at=timezone.now() - timedelta(minutes=10))
    assert booking_create(session=running, user=practitioner).status == Booking.Status.CONFIRMED
    booking_create(session=running, user=UserFactory())
    with pytest.raises(SessionFull):
        booking_create(session=running, user=UserFactory(), join_waitlist=True)


def test_raising_a_sessions_capacity_promotes_people_waiting(small_session):
    fill(small_session, 2)
    waiting = [booking_create(session=small_session, user=UserFactory(), join_waitlist=True) for _ in range(3)]
    GroupSession.objects.filter(pk=small_session.pk).update(capacity=4)
    promoted = session_promote_waiting(session=small_session)
    assert [b.pk for b in promoted] == [waiting[0].pk, waiting[1].pk]
    assert Booking.objects.get(pk=waiting[2].pk).status == Booking.Status.WAITLISTED


def test_raising_a_groups_capacity_promotes_in_every_upcoming_session(group):
    sessions = [GroupSessionFactory(group=group, starts_at=timezone.now() + timedelta(days=d)) for d in (1, 8)]
    PeerGroup.objects.filter(pk=group.pk).update(capacity=1)
    for s in sessions:
        s.group.refresh_from_db()
        fill(s, 1)
        booking_create(session=s, user=UserFactory(), join_waitlist=True)
    PeerGroup.objects.filter(pk=group.pk).update(capacity=2)
    group.refresh_from_db()
    assert len(group_promote_waiting(group=group)) == 2


def test_promotion_never_exceeds_capacity(small_session):
    BookingFactory.create_batch(2, session=small_session)
    booking_create(session=small_session, user=UserFactory(), join_waitlist=True)
    assert session_promote_waiting(session=small_session) == []


@pytest.mark.parametrize("returning", [False, True], ids=["first booking", "booking again"])
def test_the_queue_is_stamped_by_the_database_clock_on_either_path(monkeypatch, small_session, practitioner,
                                                                      returning):
    """A first booking (one statement on PostgreSQL) and booking again after
    cancelling (the ORM path) stamp the waiting list with the same clock,
    the database's, whatever the web process's clock says."""
    if returning:
        booking_cancel(booking=booking_create(session=small_session, user=practitioner))
    fill(small_session, 2)
    real = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real - timedelta(days=400))
    waiting = booking_create(session=small_session, user=practitioner, join_waitlist=True)
    assert waiting.status == Booking.Status.WAITLISTED
    assert waiting.pk == Booking.objects.get(user=practitioner).pk
    assert Booking.objects.count() == 3
    stored = Booking.objects.get(pk=waiting.pk).queued_at
    assert abs(stored - real) < timedelta(minutes=5)


@pytest.mark.parametrize("how", ["a place given up", "capacity raised"])
def test_a_promotion_is_stamped_by_the_database_clock(monkeypatch, small_session, practitioner, how):
    """A place from the waiting list is stamped like a booking, with the
    database's clock under the lock: with the web process's clock far
    behind, it still comes after the queue it was given from."""
    first, _ = fill(small_session, 2)
    waiting = booking_create(session=small_session, user=practitioner, join_waitlist=True)
    real = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real - timedelta(days=400))
    if how == "a place given up":
        booking_cancel(booking=first)
    else:
        GroupSession.objects.filter(pk=small_session.pk).update(capacity=3)
        small_session.refresh_from_db()
        session_promote_waiting(session=small_session)
    promoted = Booking.objects.get(pk=waiting.pk)
    assert promoted.status == Booking.Status.CONFIRMED
    assert promoted.confirmed_at >= promoted.queued_at
    assert abs(promoted.confirmed_at - real) < timedelta(minutes=5)
