
"""Reads: a person's notifications list and unread count; how email is going."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from core.codes import is_public_code
from notifications.models import NEEDS_YOU, Notification, Preference


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """What has reached the person's list (sent, or tried by email), newest first."""
    return (
        Notification.objects.filter(user=user, shown_at__isnull=False)
        .select_related("booking__session__group", "membership__group")
        .order_by("-shown_at", "-pk")
    )


def unread_count(*, user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        user=user, shown_at__isnull=False, read_at__isnull=True, kind__in=NEEDS_YOU).count()


def get_notification_for_user(*, user: User, code: str) -> Notification:
    """The person's own notification, or 404 (also for everyone else's)."""
    if not is_public_code(code):  # PostgreSQL refuses NUL bytes with an error
        raise Http404("No notification found")
    notification = notifications_for_user(user=user).filter(code=code).first()
    if notification is None:
        raise Http404("No notification found")
    return notification


def preference_for_user(*, user: User) -> Preference:
    """Their saved choices, or the defaults (unsaved)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


# /healthz judges outbound mail by the latest attempts the sweeps recorded (no
# SMTP connection per health call): failing when each of the last few within
# the hour failed, whether the server could not be reached or refused.
MAIL_WINDOW = timedelta(hours=1)
MAIL_SAMPLE = 3


def outbound_mail_failing(*, now: datetime) -> str | None:
    """The error of the latest email attempt if the recent ones all failed, else None."""
    Status = Notification.Status
    recent = list(
        Notification.objects.filter(claimed_at__gte=now - MAIL_WINDOW)
        .filter(status__in=[Status.SENT, Status.PENDING, Status.FAILED])  # finished attempts, not skips
        .order_by("-claimed_at")
        .values_list("status", "last_error")[:MAIL_SAMPLE]
    )
    if recent and all(status != Status.SENT for status, _ in recent):
        return recent[0][1] or "unknown"
    return None
