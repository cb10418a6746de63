from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification, Preference
from notifications.scheduling import reminder_due_at, reminder_stamp
from notifications.tests.factories import BookingFactory, GroupSessionFactory, MembershipFactory
from signups.models import Booking, Membership

pytestmark = pytest.mark.django_db
Status = Notification.Status


def kinds(booking) -> list[str]:
    return sorted(booking.notifications.values_list("kind", flat=True))


def test_a_confirmed_booking_gets_a_confirmation_and_both_reminders(booking):
    services.notifications_booking_confirmed(booking=booking)
    assert kinds(booking) == [Kind.BOOKING_CONFIRMED, Kind.REMINDER_1H, Kind.REMINDER_24H]
    reminder = booking.notifications.get(kind=Kind.REMINDER_24H)
    assert reminder.due_at == reminder_due_at(Kind.REMINDER_24H, booking.session.starts_at)
    assert reminder.stamp == reminder_stamp(booking.session.starts_at)


def test_confirming_twice_makes_nothing_new(booking):
    services.notifications_booking_confirmed(booking=booking)
    services.notifications_booking_confirmed(booking=booking)
    assert booking.notifications.count() == 3


def test_a_booking_made_less_than_a_day_ahead_gets_only_the_hour_reminder():
    booking = BookingFactory(session=GroupSessionFactory(starts_at=timezone.now() + timedelta(hours=5)))
    services.notifications_booking_confirmed(booking=booking)
    assert kinds(booking) == [Kind.BOOKING_CONFIRMED, Kind.REMINDER_1H]


def test_the_confirmation_is_sent_as_soon_as_the_booking_commits(booking, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_booking_confirmed(booking=booking)
    assert [m.subject for m in mailoutbox] == [mailoutbox[0].subject]
    assert mailoutbox[0].subject.startswith("Your place is booked for")
    assert booking.notifications.get(kind=Kind.BOOKING_CONFIRMED).status == Status.SENT


def test_a_broker_outage_does_not_break_the_booking(booking, monkeypatch, django_capture_on_commit_callbacks):
    from notifications import tasks

    def broker_down(*args):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(tasks.deliver_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_booking_confirmed(booking=booking)
    # still pending: the next sweep sends it
    assert booking.notifications.get(kind=Kind.BOOKING_CONFIRMED).status == Status.PENDING


def test_cancelling_removes_unsent_reminders_and_keeps_sent_ones(booking):
    services.notifications_booking_confirmed(booking=booking)
    booking.notifications.filter(kind=Kind.REMINDER_24H).update(status=Status.SENT)
    booking.status = Booking.Status.CANCELLED
    booking.save()
    services.notifications_booking_cancelled(booking=booking)
    assert kinds(booking) == [Kind.BOOKING_CONFIRMED, Kind.REMINDER_24H]


def test_booking_again_after_cancelling_brings_back_a_skipped_reminder(booking):
    services.notifications_booking_confirmed(booking=booking)
    booking.notifications.filter(kind=Kind.REMINDER_1H).update(status=Status.SKIPPED, attempts=1)
    booking.confirmed_at = timezone.now() + timedelta(seconds=1)
    services.notifications_booking_confirmed(booking=booking)
    reminder = booking.notifications.get(kind=Kind.REMINDER_1H)
    assert (reminder.status, reminder.attempts) == (Status.PENDING, 0)
    # a new confirmation for the new booking event
    assert booking.notifications.filter(kind=Kind.BOOKING_CONFIRMED).count() == 2


def move(session, hours: int) -> None:
    session.starts_at += timedelta(hours=hours)
    session.ends_at += timedelta(hours=hours)
    session.save()


def test_moving_a_session_reschedules_reminders_and_tells_everyone_once(booking):
    session = booking.session
    waiting = BookingFactory(session=session, status=Booking.Status.WAITLISTED, confirmed_at=None)
    gone = BookingFactory(session=session, status=Booking.Status.CANCELLED)
    services.notifications_booking_confirmed(booking=booking)
    move(session, 48)
    services.notifications_session_changed(session=session, change="moved")
    services.notifications_session_changed(session=session, change="moved")  # the same change again
    moved = Notification.objects.filter(kind=Kind.SESSION_MOVED)
    assert sorted(moved.values_list("user_id", flat=True)) == sorted([booking.user_id, waiting.user_id])
    assert not gone.notifications.exists()
    reminders = booking.notifications.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H])
    assert {r.stamp for r in reminders} == {reminder_stamp(session.starts_at)}
    assert reminders.get(kind=Kind.REMINDER_1H).due_at == session.starts_at - timedelta(hours=1)


def test_a_second_move_is_told_again_and_supersedes_an_unsent_first_report(booking):
    session = booking.session
    move(session, 24)
    services.notifications_session_changed(session=session, change="moved")
    move(session, 24)
    services.notifications_session_changed(session=session, change="moved")
    reports = booking.notifications.filter(kind=Kind.SESSION_MOVED).order_by("pk")
    assert [r.status for r in reports] == [Status.SKIPPED, Status.PENDING]


def test_an_already_sent_reminder_is_not_repeated_for_the_same_time_but_is_for_a_new_time(booking):
    services.notifications_booking_confirmed(booking=booking)
    booking.notifications.filter(kind=Kind.REMINDER_24H).update(status=Status.SENT)
    move(booking.session, 72)
    services.notifications_session_changed(session=booking.session, change="moved")
    day_before = booking.notifications.filter(kind=Kind.REMINDER_24H).order_by("pk")
    assert [r.status for r in day_before] == [Status.SENT, Status.PENDING]


def test_cancelling_a_session_tells_everyone_and_drops_their_reminders(booking):
    session = booking.session
    waiting = BookingFactory(session=session, status=Booking.Status.WAITLISTED, confirmed_at=None)
    services.notifications_booking_confirmed(booking=booking)
    session.status = session.Status.CANCELLED
    session.save()
    services.notifications_session_changed(session=session, change="cancelled")
    services.notifications_session_changed(session=session, change="cancelled")
    assert kinds(booking) == [Kind.BOOKING_CONFIRMED, Kind.SESSION_CANCELLED]
    assert kinds(waiting) == [Kind.SESSION_CANCELLED]


@pytest.mark.parametrize(("status", "kind"), [
    (Membership.Status.ACCEPTED, Kind.APPLICATION_ACCEPTED),
    (Membership.Status.DECLINED, Kind.APPLICATION_DECLINED),
])
def test_an_application_decision_is_told_once(status, kind):
    membership = MembershipFactory(status=status)
    first = services.notification_membership_decided(membership=membership)
    again = services.notification_membership_decided(membership=membership)
    assert first.pk == again.pk
    assert first.kind == kind


def test_arranging_a_joining_conversation_sends_nothing_here():
    membership = MembershipFactory(status=Membership.Status.CONVERSATION)
    assert services.notification_membership_decided(membership=membership) is None
    assert not Notification.objects.exists()


def test_feedback_invitations_go_once_to_each_attended_booking():
    now = timezone.now()
    ended = GroupSessionFactory(starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1))
    attended = BookingFactory(session=ended, attendance=Booking.Attendance.ATTENDED)
    BookingFactory(session=ended, attendance=Booking.Attendance.NO_SHOW)
    BookingFactory(session=ended, attendance=Booking.Attendance.ATTENDED, feedback_given=True)
    long_ago = GroupSessionFactory(starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=9, hours=-1))
    BookingFactory(session=long_ago, attendance=Booking.Attendance.ATTENDED)
    services.feedback_invitations_schedule(now=now)
    services.feedback_invitations_schedule(now=now)
    invitations = Notification.objects.filter(kind=Kind.FEEDBACK_INVITATION)
    assert list(invitations.values_list("booking_id", flat=True)) == [attended.pk]


def test_standing_places_that_no_signal_announced_get_their_reminders():
    now = timezone.now()
    soon = GroupSessionFactory(starts_at=now + timedelta(hours=20))
    standing = BookingFactory(session=soon, via_membership=True)
    later = BookingFactory(session=GroupSessionFactory(starts_at=now + timedelta(days=5)))
    BookingFactory(session=soon, status=Booking.Status.CANCELLED)
    services.reminders_ensure(now=now)
    services.reminders_ensure(now=now)
    assert kinds(standing) == [Kind.REMINDER_1H]  # the place came after the day-before time
    assert not later.notifications.exists()  # made nearer the time
    assert Notification.objects.count() == 1


def test_saving_preferences_keeps_one_row_per_person(practitioner):
    services.preference_update(user=practitioner, reminder_24h=False, reminder_1h=True)
    services.preference_update(user=practitioner, reminder_24h=False, reminder_1h=False)
    preference = Preference.objects.get(user=practitioner)
    assert (preference.reminder_24h, preference.reminder_1h) == (False, False)


def test_an_admin_can_send_failed_notifications_again(booking):
    failed = Notification.objects.create(user=booking.user, booking=booking, kind=Kind.BOOKING_CONFIRMED,
                                         due_at=timezone.now(), status=Status.FAILED, attempts=5)
    sent = Notification.objects.create(user=booking.user, booking=booking, kind=Kind.REMINDER_1H,
                                       due_at=timezone.now(), status=Status.SENT, attempts=1)
    assert services.notifications_send_again(notifications=Notification.objects.all()) == 1
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, sent.status) == (Status.PENDING, 0, Status.SENT)
