"""Reminders for closed-group members do not depend on a sweep running inside
a narrow window: they are made when the member is accepted, and a sweep that
runs late still sends a reminder whose moment passed while the person held
their place (never zero times)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.formats import Membership as Admission
from notifications import delivery, services
from notifications.models import Kind, Notification
from notifications.scheduling import reminder_due_at, reminder_stamp
from notifications.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from signups import models as signups
from signups.services import membership_decide
from signups.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Status = Notification.Status
LONDON = ZoneInfo("Europe/London")


def reminder_kinds(booking) -> list[str]:
    return sorted(booking.notifications.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H])
                  .values_list("kind", flat=True))


def sweep(now: datetime) -> dict[str, int]:
    """What beat's sweep does (notifications.tasks.send_due_notifications), at `now`."""
    services.reminders_ensure(now=now)
    return delivery.notifications_send_due(now=now)


def test_a_member_accepted_30_hours_before_gets_both_reminders_though_no_sweep_runs_until_they_are_due(
        mailoutbox, django_capture_on_commit_callbacks):
    now = timezone.now()
    group = PeerGroupFactory(membership=Admission.CLOSED)
    session = GroupSessionFactory(group=group, starts_at=now + timedelta(hours=30))
    membership = MembershipFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        membership_decide(membership=membership, decision="accept", now=now)
    place = signups.Booking.objects.get(session=session, user=membership.user)
    assert reminder_kinds(place) == [Kind.REMINDER_1H, Kind.REMINDER_24H]

    # Beat was down from then on: the sweeps run only when each reminder is due.
    mailoutbox.clear()
    assert delivery.notifications_send_due(now=reminder_due_at(Kind.REMINDER_24H, session.starts_at)) == {
        Status.SENT: 1}
    assert delivery.notifications_send_due(now=reminder_due_at(Kind.REMINDER_1H, session.starts_at)) == {
        Status.SENT: 1}
    assert [m.subject.startswith("Reminder: your session") for m in mailoutbox] == [True, True]


def test_a_sweep_running_for_the_first_time_ten_hours_before_still_sends_the_day_before_reminder(mailoutbox):
    now = datetime(2026, 3, 10, 8, 0, tzinfo=LONDON)  # the session is at 6pm the same day
    session = GroupSessionFactory(starts_at=now + timedelta(hours=10), ends_at=now + timedelta(hours=11, minutes=30))
    place = BookingFactory(session=session, via_membership=True, confirmed_at=now - timedelta(days=5))
    assert sweep(now) == {Status.SENT: 1}
    assert [m.subject for m in mailoutbox] == ["Reminder: your session today at 6pm"]
    late = place.notifications.get(kind=Kind.REMINDER_24H)
    assert (late.stamp, late.due_at) == (reminder_stamp(session.starts_at), now)
    # ... and the hour-before one at its own time, each once
    assert sweep(now + timedelta(hours=1)) == {}
    assert sweep(session.starts_at - timedelta(hours=1)) == {Status.SENT: 1}
    assert sweep(session.starts_at - timedelta(minutes=30)) == {}
    assert reminder_kinds(place) == [Kind.REMINDER_1H, Kind.REMINDER_24H]
    assert len(mailoutbox) == 2


def test_once_the_hour_before_reminder_is_due_a_missed_day_before_one_is_not_sent_as_well(mailoutbox):
    now = timezone.now()
    session = GroupSessionFactory(starts_at=now + timedelta(minutes=50))
    place = BookingFactory(session=session, via_membership=True, confirmed_at=now - timedelta(days=5))
    assert sweep(now) == {Status.SENT: 1}
    assert reminder_kinds(place) == [Kind.REMINDER_1H]


def test_a_place_taken_after_a_reminders_moment_gets_no_late_reminder_for_it():
    now = timezone.now()
    session = GroupSessionFactory(starts_at=now + timedelta(hours=10))
    place = BookingFactory(session=session, via_membership=True, confirmed_at=now - timedelta(hours=2))
    services.reminders_ensure(now=now)
    assert reminder_kinds(place) == [Kind.REMINDER_1H]


def test_someone_told_of_a_move_after_the_reminders_moment_gets_no_late_day_before_reminder():
    now = timezone.now()
    session = GroupSessionFactory(starts_at=now + timedelta(hours=10))
    place = BookingFactory(session=session, confirmed_at=now - timedelta(days=5))
    services.notifications_session_changed(session=session, change="moved", now=now - timedelta(hours=1))
    services.reminders_ensure(now=now)
    assert reminder_kinds(place) == [Kind.REMINDER_1H], "the 'moved' message gave the new time"


def test_catching_up_twice_makes_nothing_new():
    now = timezone.now()
    session = GroupSessionFactory(starts_at=now + timedelta(hours=10))
    BookingFactory(session=session, via_membership=True, confirmed_at=now - timedelta(days=5))
    services.reminders_ensure(now=now)
    services.reminders_ensure(now=now + timedelta(minutes=1))
    assert Notification.objects.count() == 2
