from datetime import timedelta
from importlib import import_module

import pytest
from django.utils import timezone

from notifications import tasks
from notifications.models import Kind, Notification
from notifications.tests.factories import BookingFactory, GroupSessionFactory, NotificationFactory
from signups.models import Booking
from wellbeing.beat import BEAT_SCHEDULE


@pytest.mark.parametrize("entry", BEAT_SCHEDULE.values(), ids=list(BEAT_SCHEDULE))
def test_every_beat_entry_names_a_real_task(entry):
    module, name = entry["task"].rsplit(".", 1)
    assert getattr(import_module(module), name).name == entry["task"]


def test_the_reminder_sweep_runs_every_minute():
    assert BEAT_SCHEDULE["notifications-send-due"]["schedule"] == 60


@pytest.mark.django_db
def test_the_sweep_task_makes_missing_reminders_and_sends_due_ones(mailoutbox):
    NotificationFactory()
    standing = BookingFactory(session=GroupSessionFactory(starts_at=timezone.now() + timedelta(hours=3)))
    assert tasks.send_due_notifications.delay().get() == {"sent": 1}
    assert standing.notifications.get().kind == Kind.REMINDER_1H
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_deliver_task_sends_one_notification_by_id(mailoutbox):
    notification = NotificationFactory()
    assert tasks.deliver_notification.delay(notification.pk).get() == "sent"
    assert tasks.deliver_notification.delay(notification.pk).get() is None
    assert tasks.deliver_notification.delay(10**9).get() is None
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_feedback_task_invites_attended_bookings():
    now = timezone.now()
    BookingFactory(session=GroupSessionFactory(starts_at=now - timedelta(hours=2)),
                   attendance=Booking.Attendance.ATTENDED)
    assert tasks.invite_feedback.delay().get() == 1
    assert Notification.objects.get().kind == Kind.FEEDBACK_INVITATION


@pytest.mark.django_db
def test_the_closing_task_runs_sign_ups_service():
    now = timezone.now()
    booking = BookingFactory(session=GroupSessionFactory(starts_at=now - timedelta(hours=2)))
    assert tasks.close_finished_sessions.delay().get() == 1
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.NO_SHOW


@pytest.mark.django_db
def test_a_sweep_that_hits_its_limit_queues_the_next_one_at_once(mailoutbox, monkeypatch):
    from notifications import delivery, services

    monkeypatch.setattr(delivery, "SWEEP_LIMIT", 3)
    ensured = []
    real_ensure = services.reminders_ensure
    monkeypatch.setattr(services, "reminders_ensure", lambda: ensured.append(1) or real_ensure())
    NotificationFactory.create_batch(7)
    # Eager tasks: the helper chain beat's sweep starts runs (and sends) first.
    tasks.send_due_notifications.delay().get()
    assert len(mailoutbox) == 7
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 7
    assert len(ensured) == 1, "only beat's sweep looks for missing reminders"


@pytest.mark.django_db
def test_beats_sweep_starts_the_parallel_chains_before_sending_a_backlog(mailoutbox, monkeypatch, settings):
    from notifications import delivery

    monkeypatch.setattr(delivery, "SWEEP_LIMIT", 3)
    settings.NOTIFICATION_PARALLEL_SWEEPS = 3
    queued = []
    monkeypatch.setattr(tasks.send_due_notifications, "apply_async",
                        lambda kwargs: queued.append((kwargs, len(mailoutbox))))
    NotificationFactory.create_batch(7)
    assert tasks.send_due_notifications() == {"sent": 3}
    # Two helpers queued before anything was sent, then this chain's own follow-up.
    assert queued == [({"ensure": False}, 0), ({"ensure": False}, 0), ({"ensure": False}, 3)]


@pytest.mark.django_db
def test_beats_sweep_starts_no_helpers_for_what_it_sends_alone(mailoutbox, monkeypatch, settings):
    from notifications import delivery

    monkeypatch.setattr(delivery, "SWEEP_LIMIT", 3)
    settings.NOTIFICATION_PARALLEL_SWEEPS = 3
    queued = []
    monkeypatch.setattr(tasks.send_due_notifications, "apply_async", lambda kwargs: queued.append(kwargs))
    NotificationFactory.create_batch(2)
    assert tasks.send_due_notifications() == {"sent": 2}
    assert queued == []
