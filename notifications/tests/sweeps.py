"""Sweeping due notifications as beat would, for the delivery and fault tests."""

from datetime import datetime, timedelta

from notifications import delivery
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory


def refreshed(notification: Notification) -> Notification:
    notification.refresh_from_db()
    return notification


def reminder_swept_until_it_fails(now: datetime) -> Notification:
    """A reminder due `now` whose every attempt fails (the test makes the mail
    server fail), swept again each time its backoff passes, until delivery
    gives up on it: marked failed for admins after the last attempt."""
    notification = NotificationFactory(due_at=now, booking__session__starts_at=now + timedelta(days=2))
    moment = now
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.notifications_send_due(now=moment)
        moment = refreshed(notification).due_at
    notification = refreshed(notification)
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, delivery.MAX_ATTEMPTS)
    return notification
