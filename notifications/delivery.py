"""Sending notifications exactly once.

Each row is claimed before it is sent: pending -> sending, stamping
`claimed_at` (the lease and claim token) and counting the attempt, in a
short transaction with `SELECT ... FOR UPDATE SKIP LOCKED`, so two sweeps never
take the same row. A sweep claims 25 rows at a time (CLAIM_BATCH), loads
them and their people's preferences with one query each and sends them over
one SMTP connection (bench S4 measured 7 queries and a new SMTP connection per
message before). Each outcome (sent, skipped, retry later, failed) is
recorded the moment it is known, and only if the claim is still ours, so a
worker's death re-sends at most the one message it was sending. A worker that dies mid-send leaves
its row "sending"; once the lease has run out any sweep takes it again, so
nothing is lost. The one window left is an SMTP server accepting a message
and the worker dying before recording it (milliseconds); the Message-ID is the
same on every attempt so mail systems can recognise such a repeat.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.statements import KeptUpdate
from groups.models import GroupSession
from notifications.email import Shared, build_email
from notifications.messages import compose
from notifications.models import MEMBERSHIP_KINDS, REMINDER_KINDS, Kind, Notification, Preference
from notifications.scheduling import reminder_stamp
from signups.models import Booking, Membership

logger = logging.getLogger("notifications")

# Far longer than an SMTP attempt can take (EMAIL_TIMEOUT is 10 seconds), so a
# live worker never loses its claim to another.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
SWEEP_LIMIT = 500
# Rows claimed together. A worker that dies leaves the unsent rest of its batch
# to wait for the lease (LEASE): at most 24 reminders five minutes late, each
# still sent once. 25 rather than 10 spreads a batch's claim, load and
# preference queries over more messages (bench S4: 0.5-0.8 ms less CPU a reminder).
CLAIM_BATCH = 25

Status = Notification.Status


def _claimable(now: datetime) -> Q:
    stale = Q(status=Status.SENDING, claimed_at__lt=now - LEASE)
    return Q(due_at__lte=now, status__in=[Status.PENDING, Status.SENDING]) & (Q(status=Status.PENDING) | stale)


def _take(queryset, now: datetime) -> datetime | None:
    updated = queryset.update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return now if updated else None


def notifications_claim(*, now: datetime, size: int = CLAIM_BATCH) -> tuple[list[int], datetime | None]:
    """Claim up to `size` of the most overdue unclaimed rows: their ids, most
    overdue first, and the claim token; ([], None) when nothing is due."""
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.filter(_claimable(now))
                .order_by("due_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", "attempts", "kind", "code")[:size]
            )
            if not rows:
                return [], None
            worn = [row for row in rows if row[1] >= MAX_ATTEMPTS]
            if worn:
                # Their worker was lost on every attempt: stop, and let an admin look.
                Notification.objects.filter(pk__in=[row[0] for row in worn]).update(
                    status=Status.FAILED, last_error="worker lost on every attempt"
                )
                for _, _, kind, code in worn:
                    logger.error("notification %s (%s) failed: worker lost on every attempt", code, kind)
            ids = [row[0] for row in rows if row[1] < MAX_ATTEMPTS]
            if not ids:
                continue
            # The row locks already make these ours; the condition keeps them so
            # on a database without SKIP LOCKED too.
            token = _take(Notification.objects.filter(_claimable(now), pk__in=ids), now)
            if token is not None:
                return ids, token


def notifications_due_beyond(count: int, *, now: datetime | None = None) -> bool:
    """Whether more than `count` rows are waiting to be claimed (a backlog
    one sweep will not clear); walks the due-time index, not the table."""
    return Notification.objects.filter(_claimable(now or timezone.now())).order_by("due_at")[count:count + 1].exists()


def notification_claim_next(*, now: datetime) -> tuple[int, datetime] | None:
    """Claim the most overdue unclaimed row, or None when nothing is due."""
    ids, token = notifications_claim(now=now, size=1)
    return (ids[0], token) if ids else None


def notification_claim(*, notification_id: int, now: datetime) -> datetime | None:
    """Claim one row if it is due and nobody holds it (the send-now path)."""
    rows = Notification.objects.filter(_claimable(now), pk=notification_id, attempts__lt=MAX_ATTEMPTS)
    return _take(rows, now)


def skip_reason(notification: Notification, now: datetime, preference: Preference | None) -> str | None:
    """Why this message should no longer go out, or None to send it.
    `preference`: the person's reminder choices, if they ever saved any."""
    if not notification.user.is_active:
        return "person's account is inactive"
    kind = notification.kind
    if kind == Kind.APPLICATION_RECEIVED:
        membership = notification.membership
        if membership.status not in (Membership.Status.APPLIED, Membership.Status.CONVERSATION):
            return "application withdrawn or decided"
        if not membership.group.facilitation_set.filter(user_id=notification.user_id).exists():
            return "no longer a facilitator of the group"
        return None
    if kind in MEMBERSHIP_KINDS:
        wanted = Membership.Status.ACCEPTED if kind == Kind.APPLICATION_ACCEPTED else Membership.Status.DECLINED
        return None if notification.membership.status == wanted else "application decision changed"
    booking = notification.booking
    session = booking.session
    if kind == Kind.SESSION_CANCELLED:
        return None
    if session.status == GroupSession.Status.CANCELLED:
        return "session cancelled"  # its own message says so, and removes the entry
    if kind == Kind.BOOKING_CANCELLED:
        return None if booking.status == Booking.Status.CANCELLED else "booked again since"
    if booking.status == Booking.Status.CANCELLED:
        return "booking cancelled"
    if kind == Kind.FEEDBACK_INVITATION:
        return "feedback already given" if booking.feedback_given else None
    if kind in (Kind.SESSION_MOVED, Kind.SESSION_RESTORED):
        return None
    if booking.status != Booking.Status.CONFIRMED:
        return "booking not confirmed"
    if session.starts_at <= now:
        return "session already started"
    if kind in REMINDER_KINDS:
        if notification.stamp != reminder_stamp(session.starts_at):
            return "session moved since this reminder was scheduled"
        if preference and not preference.wants(kind):
            return "reminder switched off by the person"
    return None


def _still_ours(notification_id: int, token: datetime):
    """The row, only while this sweep's claim on it holds."""
    return Notification.objects.filter(pk=notification_id, status=Status.SENDING, claimed_at=token)


def _record(notification_id: int, token: datetime, **fields) -> bool:
    """Write an outcome only while the claim is still ours."""
    return bool(_still_ours(notification_id, token).update(**fields))


def _record_sent(notification_id: int, token: datetime, now: datetime) -> bool:
    """`_record(status=SENT, ...)`, once per message: the UPDATE the ORM
    builds for it is kept (`core.statements`; building it each time cost
    about a quarter of a reminder's CPU, bench S4)."""
    return _SENT.execute(connection, notification_id=notification_id, token=token, now=now) == 1


def _sent_update(notification_id: int, token: datetime, now: datetime):
    sent = {"status": Status.SENT, "sent_at": now, "last_error": "", "shown_at": Coalesce(F("shown_at"), now)}
    return _still_ours(notification_id, token), sent


_SENT = KeptUpdate(_sent_update, notification_id=int, token=datetime, now=datetime)


def _load(ids: list[int]) -> dict[int, Notification]:
    rows = Notification.objects.select_related("user", "booking__session__group", "membership__group")
    return {notification.pk: notification for notification in rows.filter(pk__in=ids)}


def _preferences(notifications) -> dict[int, Preference]:
    user_ids = {n.user_id for n in notifications if n.kind in REMINDER_KINDS}
    return {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)} if user_ids else {}


def _attempt_failed(notification: Notification, token: datetime, now: datetime, exc: Exception) -> str:
    error = type(exc).__name__
    shown = Coalesce(F("shown_at"), now)  # the in-app channel still works
    if notification.attempts >= MAX_ATTEMPTS:
        _record(notification.pk, token, status=Status.FAILED, last_error=error, shown_at=shown)
        logger.error("notification %s (%s) failed after %d attempts (%s)",
                     notification.code, notification.kind, notification.attempts, error)
        return Status.FAILED
    retry_at = now + BACKOFF[min(notification.attempts, len(BACKOFF)) - 1]
    _record(notification.pk, token, status=Status.PENDING, due_at=retry_at, last_error=error, shown_at=shown)
    logger.warning("notification %s (%s) attempt %d failed (%s); trying again at %s",
                   notification.code, notification.kind, notification.attempts, error, retry_at.isoformat())
    return Status.PENDING


class Outbound:
    """The SMTP session of one sweep, opened when the first message needs it.

    Connecting is part of sending: a refused or timed-out connection, a server
    that hangs up, or a failed TLS or login is that message's failed attempt,
    like a 4xx answer. Once connecting has failed, the sweep does not try again
    (the rest of what it claimed records the same failure), so an unreachable
    server costs one connect time-out a sweep, not one a message."""

    def __init__(self, connection):
        self.connection = connection
        self.unreachable: Exception | None = None

    def send(self, message) -> None:
        if self.unreachable is not None:
            raise self.unreachable.with_traceback(None)
        try:
            self.connection.open()
        except Exception as exc:
            self.reset()
            self.unreachable = exc
            raise
        self.connection.send_messages([message])

    def reset(self) -> None:
        """After a failure: the next message opens a fresh SMTP session."""
        try:
            self.connection.close()
        except Exception:  # closing a broken session must not hide what broke it
            logger.info("closing the SMTP session failed", exc_info=True)

    def __enter__(self) -> "Outbound":
        return self

    def __exit__(self, *exc) -> None:
        self.reset()


def notification_deliver(*, notification_id: int, token: datetime, now: datetime) -> str:
    """Send one claimed notification; returns the status it ended in."""
    with Outbound(mail.mailers.default) as outbound:
        return _deliver_claimed([notification_id], token=token, now=now, outbound=outbound, shared=Shared())[0]


def _deliver_claimed(ids: list[int], *, token: datetime, now: datetime, outbound: Outbound,
                     shared: Shared) -> list[str]:
    """Send rows claimed together, in order; the status each ended in. Rows
    still wanted reach the person's list first: the in-app channel never waits
    on email."""
    loaded = _load(ids)
    preferences = _preferences(loaded.values())
    wanted = []
    outcomes: dict[int, str] = {}
    for notification_id in ids:
        notification = loaded.get(notification_id)
        preference = preferences.get(notification.user_id) if notification else None
        outcome = _check(notification_id, notification, token=token, now=now, preference=preference)
        if outcome is None:
            wanted.append(notification)
        else:
            outcomes[notification_id] = outcome
    if wanted:
        Notification.objects.filter(
            pk__in=[n.pk for n in wanted], status=Status.SENDING, claimed_at=token, shown_at__isnull=True
        ).update(shown_at=now)
    for notification in wanted:
        outcomes[notification.pk] = _send(notification, token=token, now=now, outbound=outbound, shared=shared)
    return [outcomes[notification_id] for notification_id in ids]


def _check(notification_id: int, notification: Notification | None, *, token: datetime, now: datetime,
           preference) -> str | None:
    """None if this claimed row is still ours and wanted, else its outcome."""
    if notification is None:
        logger.info("notification %s vanished before sending (person or booking deleted)", notification_id)
        return "vanished"
    if notification.status != Status.SENDING or notification.claimed_at != token:
        logger.info("notification %s is no longer claimed by this worker", notification.code)
        return "lost"
    reason = skip_reason(notification, now, preference)
    if reason:
        _record(notification_id, token, status=Status.SKIPPED, last_error=reason)
        logger.info("notification %s (%s) skipped: %s", notification.code, notification.kind, reason)
        return Status.SKIPPED
    return None


def _send(notification: Notification, *, token: datetime, now: datetime, outbound: Outbound,
          shared: Shared) -> str:
    try:
        message = build_email(notification, compose(notification, now=now, invitations=shared.invitations), shared)
    except Exception as exc:  # a bug: retried, then visible to admins
        logger.exception("notification %s (%s) could not be built", notification.code, notification.kind)
        return _attempt_failed(notification, token, now, exc)
    try:
        outbound.send(message)
    except Exception as exc:  # refused, unreachable, timed out: retried with backoff, then failed
        outbound.reset()
        if not isinstance(exc, OSError):  # smtplib's errors and socket errors are OSErrors; this is not
            logger.exception("notification %s (%s) could not be sent", notification.code, notification.kind)
        return _attempt_failed(notification, token, now, exc)
    if not _record_sent(notification.pk, token, now):
        logger.warning("notification %s sent but its row changed meanwhile", notification.code)
    logger.info("notification %s (%s) sent", notification.code, notification.kind)
    return Status.SENT


@contextmanager
def _commits_without_flush() -> Iterator[None]:
    """A sweep's claims and outcomes commit without waiting for the WAL to
    reach the disk (PostgreSQL's `synchronous_commit = off`, for this
    connection while the sweep runs). Each row commits on its own as before,
    and is seen by every other worker at once, so a worker's death changes
    nothing; only a crash of the database server itself can lose the last
    moments (at most three `wal_writer_delay`s, 0.6 s by default) of recorded
    outcomes, whose messages are then sent again, with the same Message-ID,
    once their lease runs out. Waiting for the flush cost 1.5-3 ms a row on
    this machine: more than building the message (bench S4).
    NOTIFICATION_SYNCHRONOUS_COMMIT=true keeps every commit flushed."""
    relaxed = connection.vendor == "postgresql" and not settings.NOTIFICATION_SYNCHRONOUS_COMMIT
    if relaxed:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        if relaxed:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
            except DatabaseError:  # an aborted transaction: its rollback undoes the SET
                logger.info("could not reset synchronous_commit", exc_info=True)


def notification_send(*, notification_id: int, now: datetime | None = None) -> str | None:
    """Send one notification now if it is due and unclaimed (after a booking)."""
    now = now or timezone.now()
    token = notification_claim(notification_id=notification_id, now=now)
    if token is None:
        return None
    return notification_deliver(notification_id=notification_id, token=token, now=now)


def notifications_send_due(*, now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """The sweep: claim due rows a few at a time and send them over one SMTP
    connection, until none is left or `limit` have been handled.

    Safe to run in any number of workers at once."""
    limit = SWEEP_LIMIT if limit is None else limit
    outcomes: dict[str, int] = {}
    handled = 0
    shared = Shared()  # what the sweep's emails have in common, made once (notifications.email)
    with _commits_without_flush(), Outbound(mail.mailers.default) as outbound:
        while handled < limit:
            moment = now or timezone.now()
            ids, token = notifications_claim(now=moment, size=min(CLAIM_BATCH, limit - handled))
            if not ids:
                break
            for outcome in _deliver_claimed(ids, token=token, now=moment, outbound=outbound, shared=shared):
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            handled += len(ids)
    return outcomes
