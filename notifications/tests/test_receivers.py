"""Other apps' signals reach the notifications service."""

from datetime import timedelta

import pytest

from groups.models import GroupSession
from groups.signals import session_changed
from notifications.models import Kind, Notification
from notifications.tests.factories import BookingFactory, MembershipFactory
from signups import signals
from signups.models import Booking, Membership
from signups.signals import booking_confirmed

pytestmark = pytest.mark.django_db


def test_every_signal_it_listens_to_is_connected():
    for signal in (booking_confirmed, signals.waitlist_promoted, signals.booking_cancelled):
        assert signal.has_listeners(Booking)
    assert signals.membership_decided.has_listeners(Membership)
    assert session_changed.has_listeners(GroupSession)


def test_a_booking_confirmed_signal_schedules_the_confirmation_and_reminders(booking):
    signals.booking_confirmed.send(sender=Booking, booking=booking)
    assert set(booking.notifications.values_list("kind", flat=True)) == {
        Kind.BOOKING_CONFIRMED, Kind.REMINDER_24H, Kind.REMINDER_1H}


def test_a_waitlist_promotion_is_told_as_such(booking):
    signals.waitlist_promoted.send(sender=Booking, booking=booking)
    assert booking.notifications.filter(kind=Kind.WAITLIST_PROMOTED).exists()
    assert not booking.notifications.filter(kind=Kind.BOOKING_CONFIRMED).exists()


def test_a_cancellation_signal_removes_pending_reminders(booking):
    signals.booking_confirmed.send(sender=Booking, booking=booking)
    signals.booking_cancelled.send(sender=Booking, booking=booking, late=False, was_waitlisted=False)
    assert list(booking.notifications.values_list("kind", flat=True)) == [Kind.BOOKING_CONFIRMED]


def test_a_membership_decision_signal_tells_the_applicant():
    membership = MembershipFactory(status=Membership.Status.DECLINED)
    signals.membership_decided.send(sender=Membership, membership=membership, decision="declined")
    assert Notification.objects.get().kind == Kind.APPLICATION_DECLINED


def test_a_session_moved_signal_tells_people_booked():
    booking = BookingFactory()
    session = booking.session
    previous = session.starts_at
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    session_changed.send(sender=GroupSession, session=session, change="moved", previous_starts_at=previous)
    assert booking.notifications.filter(kind=Kind.SESSION_MOVED).count() == 1


def test_the_real_cancel_service_reaches_everyone_booked(django_capture_on_commit_callbacks, mailoutbox):
    from groups.services import session_cancel

    booking = BookingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=booking.session, reason="Facilitator unwell")
    assert booking.notifications.get().kind == Kind.SESSION_CANCELLED
    assert [m.to for m in mailoutbox] == [[booking.user.email]]


def test_booking_cancelling_and_promotion_through_sign_ups_services(django_capture_on_commit_callbacks, mailoutbox):
    from accounts.tests.factories import UserFactory
    from notifications.tests.factories import GroupSessionFactory
    from signups.services import booking_cancel, booking_create

    session = GroupSessionFactory(group__capacity=1)
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        booked = booking_create(session=session, user=first)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=session, user=second, join_waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booked)
    # Booked; then the cancellation confirmed to the first, the place to the second.
    assert sorted((m.to[0], m.subject.split(" ")[0]) for m in mailoutbox) == sorted(
        [(first.email, "Your"), (first.email, "Your"), (second.email, "A")])
    assert "is cancelled" in [m for m in mailoutbox if m.to == [first.email]][-1].subject
    assert not booked.notifications.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]).exists()
    promoted = Booking.objects.get(user=second)
    assert set(promoted.notifications.values_list("kind", flat=True)) == {
        Kind.WAITLIST_PROMOTED, Kind.REMINDER_24H, Kind.REMINDER_1H}
