"""The sweep and the once-only machinery, one process (races: test_races.py;
killed workers: test_worker.py)."""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from core.testing import postgres_configured
from notifications import delivery
from notifications.models import Kind, Notification, Preference
from notifications.tests.factories import TOPIC_TITLE, BookingFactory, GroupSessionFactory, NotificationFactory
from notifications.tests.sweeps import refreshed, reminder_swept_until_it_fails
from signups.models import Booking

pytestmark = pytest.mark.django_db
Status = Notification.Status


def test_the_sweep_sends_what_is_due_and_leaves_the_rest(mailoutbox):
    now = timezone.now()
    due = NotificationFactory(due_at=now - timedelta(minutes=1))
    later = NotificationFactory(due_at=now + timedelta(minutes=1))
    assert delivery.notifications_send_due(now=now) == {Status.SENT: 1}
    assert [m.to for m in mailoutbox] == [[due.user.email]]
    assert refreshed(due).status == Status.SENT
    assert refreshed(due).shown_at == now
    assert refreshed(later).status == Status.PENDING


def test_sweeping_again_sends_nothing_twice(mailoutbox):
    NotificationFactory.create_batch(3)
    delivery.notifications_send_due()
    delivery.notifications_send_due()
    assert len(mailoutbox) == 3


def test_a_claimed_row_is_not_claimed_again_while_its_lease_runs():
    now = timezone.now()
    notification = NotificationFactory(due_at=now)
    assert delivery.notification_claim_next(now=now) == (notification.pk, now)
    assert delivery.notification_claim_next(now=now + delivery.LEASE - timedelta(seconds=1)) is None
    assert delivery.notification_claim(notification_id=notification.pk, now=now) is None


def test_a_lost_workers_claim_is_taken_again_once_its_lease_runs_out(mailoutbox):
    now = timezone.now()
    notification = NotificationFactory(due_at=now)
    lost_token = delivery.notification_claim_next(now=now)[1]  # ... and the worker died
    later = now + delivery.LEASE + timedelta(seconds=1)
    assert delivery.notifications_send_due(now=later) == {Status.SENT: 1}
    # the lost worker coming back cannot record over the new claim
    assert delivery.notification_deliver(notification_id=notification.pk, token=lost_token, now=later) == "lost"
    assert len(mailoutbox) == 1
    assert refreshed(notification).attempts == 2


def test_the_send_now_path_and_the_sweep_never_both_send(mailoutbox):
    notification = NotificationFactory(kind=Kind.BOOKING_CONFIRMED, stamp="x")
    assert delivery.notification_send(notification_id=notification.pk) == Status.SENT
    assert delivery.notification_send(notification_id=notification.pk) is None
    assert delivery.notifications_send_due() == {}
    assert len(mailoutbox) == 1


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses (or times out) on every message."""

    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}


@pytest.mark.parametrize("error", [
    smtplib.SMTPServerDisconnected("gone"), TimeoutError("timed out"), ConnectionRefusedError(111, "refused"),
    smtplib.SMTPRecipientsRefused({"a@b": (550, b"no")}),
])
def test_an_smtp_failure_puts_it_back_with_backoff(smtp_down, error, monkeypatch, caplog):
    monkeypatch.setattr(RefusingBackend, "error", error)
    now = timezone.now()
    notification = NotificationFactory(due_at=now)
    with caplog.at_level(logging.WARNING, logger="notifications"):
        assert delivery.notifications_send_due(now=now) == {Status.PENDING: 1}
    notification = refreshed(notification)
    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert notification.due_at == now + delivery.BACKOFF[0]
    assert notification.last_error == type(error).__name__
    assert notification.shown_at == now  # the in-app list still has it
    assert f"notification {notification.code} (reminder_1h) attempt 1 failed" in caplog.text
    # not due again until the backoff has passed: no crash loop
    assert delivery.notifications_send_due(now=now + timedelta(seconds=30)) == {}


def test_after_the_last_attempt_it_is_marked_failed_for_admins(smtp_down, caplog):
    notification = reminder_swept_until_it_fails(timezone.now())
    assert "failed after 5 attempts" in caplog.text
    assert delivery.notifications_send_due(now=notification.due_at + timedelta(days=1)) == {}


def test_a_row_whose_worker_dies_on_every_attempt_ends_failed():
    now = timezone.now()
    notification = NotificationFactory(due_at=now, status=Status.SENDING, claimed_at=now - timedelta(hours=1),
                                       attempts=delivery.MAX_ATTEMPTS)
    assert delivery.notification_claim_next(now=now) is None
    assert refreshed(notification).status == Status.FAILED


def test_a_reminder_for_a_session_cancelled_after_it_was_claimed_is_skipped(mailoutbox, caplog):
    now = timezone.now()
    notification = NotificationFactory(due_at=now)
    token = delivery.notification_claim_next(now=now)[1]
    session = notification.booking.session
    session.status = session.Status.CANCELLED
    session.save()
    with caplog.at_level(logging.INFO, logger="notifications"):
        assert delivery.notification_deliver(notification_id=notification.pk, token=token, now=now) == Status.SKIPPED
    assert mailoutbox == []
    assert refreshed(notification).last_error == "session cancelled"
    assert refreshed(notification).shown_at is None
    assert "skipped: session cancelled" in caplog.text


def test_a_reminder_for_a_cancelled_booking_is_skipped(mailoutbox):
    NotificationFactory(booking__status=Booking.Status.CANCELLED)
    assert delivery.notifications_send_due() == {Status.SKIPPED: 1}
    assert mailoutbox == []


def test_a_person_deleted_after_the_claim_gets_nothing_and_nothing_crashes(mailoutbox, caplog):
    now = timezone.now()
    notification = NotificationFactory(due_at=now)
    token = delivery.notification_claim_next(now=now)[1]
    notification.user.delete()
    with caplog.at_level(logging.INFO, logger="notifications"):
        assert delivery.notification_deliver(notification_id=notification.pk, token=token, now=now) == "vanished"
    assert mailoutbox == []
    assert "vanished before sending" in caplog.text


def test_a_deactivated_person_gets_nothing(mailoutbox):
    notification = NotificationFactory()
    notification.user.is_active = False
    notification.user.save()
    assert delivery.notifications_send_due() == {Status.SKIPPED: 1}
    assert mailoutbox == []


@pytest.mark.parametrize(("field", "kind"), [("reminder_24h", Kind.REMINDER_24H), ("reminder_1h", Kind.REMINDER_1H)])
def test_a_reminder_the_person_switched_off_is_not_sent(field, kind, mailoutbox):
    notification = NotificationFactory(kind=kind)
    Preference.objects.create(user=notification.user, **{field: False})
    assert delivery.notifications_send_due() == {Status.SKIPPED: 1}
    assert refreshed(notification).last_error == "reminder switched off by the person"
    assert mailoutbox == []


def test_switching_off_one_reminder_keeps_the_other(mailoutbox):
    booking = BookingFactory()
    NotificationFactory(booking=booking, kind=Kind.REMINDER_24H)
    NotificationFactory(booking=booking, kind=Kind.REMINDER_1H)
    Preference.objects.create(user=booking.user, reminder_24h=False)
    assert delivery.notifications_send_due() == {Status.SKIPPED: 1, Status.SENT: 1}
    assert len(mailoutbox) == 1


def test_a_reminder_for_a_time_the_session_has_moved_from_is_skipped(mailoutbox):
    notification = NotificationFactory()
    session = notification.booking.session
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    assert delivery.notifications_send_due() == {Status.SKIPPED: 1}
    assert mailoutbox == []


def test_a_reminder_that_comes_due_only_after_the_start_is_skipped(mailoutbox):
    now = timezone.now()
    session = GroupSessionFactory(starts_at=now - timedelta(minutes=5))
    NotificationFactory(booking__session=session, due_at=now - timedelta(hours=1))
    assert delivery.notifications_send_due(now=now) == {Status.SKIPPED: 1}


def test_everyone_booked_hears_that_a_session_was_cancelled(mailoutbox):
    notification = NotificationFactory(kind=Kind.SESSION_CANCELLED, stamp="c")
    session = notification.booking.session
    session.status = session.Status.CANCELLED
    session.save()
    assert delivery.notifications_send_due() == {Status.SENT: 1}
    assert "cancelled" in mailoutbox[0].subject


def test_a_bug_while_building_the_email_is_retried_not_looped(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise KeyError("template bug")

    monkeypatch.setattr(delivery, "compose", broken)
    notification = NotificationFactory()
    assert delivery.notifications_send_due() == {Status.PENDING: 1}
    assert refreshed(notification).last_error == "KeyError"
    assert "could not be built" in caplog.text


def test_log_lines_never_carry_group_titles_or_email_content(mailoutbox, caplog, smtp_down):
    with caplog.at_level(logging.DEBUG, logger="notifications"):
        NotificationFactory()
        NotificationFactory(booking__status=Booking.Status.CANCELLED)
        delivery.notifications_send_due()
    assert caplog.records
    assert TOPIC_TITLE.lower() not in caplog.text.lower()
    assert "Reminder:" not in caplog.text


class CommitModeBackend(BaseEmailBackend):
    """Notes the connection's synchronous_commit while each message is sent."""

    seen: list[str] = []

    def send_messages(self, messages):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            CommitModeBackend.seen.append(cursor.fetchone()[0])
        return len(messages)


def _synchronous_commit() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.skipif(not postgres_configured(), reason="synchronous_commit is PostgreSQL's setting")
@pytest.mark.parametrize(("flushed", "during"), [(False, "off"), (True, "on")])
def test_a_sweep_commits_without_waiting_for_the_flush_unless_told_to(settings, flushed, during):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CommitModeBackend"}}
    settings.NOTIFICATION_SYNCHRONOUS_COMMIT = flushed
    CommitModeBackend.seen = []
    NotificationFactory.create_batch(2)
    assert delivery.notifications_send_due() == {Notification.Status.SENT: 2}
    assert CommitModeBackend.seen == [during, during]
    assert _synchronous_commit() == "on"  # the connection is left as it was
