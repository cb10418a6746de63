"""Thin Celery tasks: ids in, one service call. The rows in PostgreSQL are the
schedule, so a lost task message loses nothing: the sweep runs every minute."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from notifications import delivery, services

logger = logging.getLogger("notifications")


@shared_task(name="notifications.tasks.send_due_notifications")
def send_due_notifications(ensure: bool = True) -> dict[str, int]:
    """The reminder sweep (every minute, and after a session changes). A sweep
    stops after SWEEP_LIMIT messages so no task runs for long; if it stopped
    with more due, it queues the next one at once rather than waiting a minute
    for beat (bench S4: a minute per 500 capped sending at 8 a second).

    Beat's sweep (`ensure`) makes missing reminders first; if more is due
    than one sweep sends, it starts NOTIFICATION_PARALLEL_SWEEPS - 1 more
    chains before sending, so every worker process sends from the start
    (claims use SKIP LOCKED). Each chain then carries on one at a time, and
    skips `reminders_ensure`, which beat's sweep has just done."""
    if ensure:
        services.reminders_ensure()
        if delivery.notifications_due_beyond(delivery.SWEEP_LIMIT):
            for _ in range(settings.NOTIFICATION_PARALLEL_SWEEPS - 1):
                send_due_notifications.apply_async(kwargs={"ensure": False})
    outcomes = delivery.notifications_send_due()
    if sum(outcomes.values()) >= delivery.SWEEP_LIMIT:
        send_due_notifications.apply_async(kwargs={"ensure": False})
    return outcomes


@shared_task(
    name="notifications.tasks.deliver_notification",
    autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5,
)
def deliver_notification(notification_id: int) -> str | None:
    """Send one notification straight away (a booking was just confirmed).
    SMTP failures are retried on the row, with backoff, by the sweep."""
    return delivery.notification_send(notification_id=notification_id)


@shared_task(name="notifications.tasks.invite_feedback")
def invite_feedback() -> int:
    return services.feedback_invitations_schedule()


@shared_task(name="notifications.tasks.close_finished_sessions")
def close_finished_sessions() -> int:
    """Sign-ups closes finished sessions and records no-shows; this runs it."""
    from signups.services import sessions_close_finished

    return sessions_close_finished()
