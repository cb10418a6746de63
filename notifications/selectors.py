
"""Reads: a person's notifications list and unread count; how email is going."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import connection
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


def unread_notifications(*, user: User) -> QuerySet[Notification]:
    """In the person's list and needing them (see NEEDS_YOU), not yet read."""
    return Notification.objects.filter(user=user, shown_at__isnull=False, read_at__isnull=True, kind__in=NEEDS_YOU)


# The count in the header of every signed-in page: `unread_notifications`
# counted, as a constant statement run through a cursor (the ORM takes ~5×
# longer to build the query than the database to answer it). The tests
# compare the two on many mixes of kinds, states and people.
_UNREAD_SQL = f"""
    SELECT COUNT(*) FROM notifications_notification
    WHERE user_id = %s AND shown_at IS NOT NULL AND read_at IS NULL
    AND kind IN ({", ".join(["%s"] * len(NEEDS_YOU))})
"""  # noqa: S608 (placeholders only)


def unread_count(*, user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk, *NEEDS_YOU])
        (count,) = cursor.fetchone()
    return int(count)


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
