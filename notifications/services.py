"""Writes: notifications created from what happens to bookings, sessions and
applications; reminders kept in step with sessions; preferences; read marks.

Every creation is idempotent through the once-only constraints, so a repeated
signal or a job run twice at once never makes a second message.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from celery import Task
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import User
from groups.models import Facilitation, GroupSession
from notifications import tasks
from notifications.models import REMINDER_KINDS, Kind, Notification, Preference
from notifications.scheduling import change_stamp, event_stamp, reminder_due_at, reminder_stamp
from signups.models import Booking, Membership

logger = logging.getLogger("notifications")

Status = Notification.Status
FEEDBACK_WINDOW = timedelta(days=2)  # invite for sessions that ended this recently
# Far enough ahead to create a "day before" reminder before it falls due,
# even on the 25-hour day of the autumn clock change.
REMINDER_HORIZON = timedelta(hours=26)


def _enqueue(task: Task, *args: object) -> None:
    """Ask a worker to act once the transaction commits. The rows are already
    safe in the database: if the broker is down, the next sweep sends them."""

    def send() -> None:
        try:
            task.delay(*args)
        except Exception as exc:  # broker unreachable: the sweep is the backstop
            logger.warning("could not enqueue %s (%s); the sweep will pick it up", task.name, type(exc).__name__)

    transaction.on_commit(send)


def _reminders_schedule(*, booking: Booking, now: datetime) -> None:
    session = booking.session
    stamp = reminder_stamp(session.starts_at)
    # Reminders for an earlier start of this session are no longer true.
    booking.notifications.filter(kind__in=REMINDER_KINDS, status=Status.PENDING).exclude(stamp=stamp).delete()
    for kind in REMINDER_KINDS:
        due_at = reminder_due_at(kind, session.starts_at)
        if due_at <= now:
            continue  # booked too late for this one: the confirmation says it all
        reminder, created = Notification.objects.get_or_create(
            booking=booking, kind=kind, stamp=stamp, defaults={"user_id": booking.user_id, "due_at": due_at}
        )
        if not created and reminder.status == Status.SKIPPED:
            # Booked again after cancelling: the same reminder is wanted again.
            Notification.objects.filter(pk=reminder.pk, status=Status.SKIPPED).update(
                status=Status.PENDING, due_at=due_at, attempts=0, claimed_at=None, last_error=""
            )


@transaction.atomic
def notifications_booking_confirmed(*, booking: Booking, kind: str = Kind.BOOKING_CONFIRMED,
                                    now: datetime | None = None) -> Notification:
    """A confirmed place (booked, or from the waiting list): tell the person
    now and schedule their reminders."""
    now = now or timezone.now()
    notification, created = Notification.objects.get_or_create(
        booking=booking, kind=kind, stamp=event_stamp(booking.confirmed_at),
        defaults={"user_id": booking.user_id, "due_at": now},
    )
    _reminders_schedule(booking=booking, now=now)
    if created:
        _enqueue(tasks.deliver_notification, notification.pk)
    return notification


@transaction.atomic
def reminders_ensure(*, now: datetime | None = None) -> int:
    """Every confirmed place starting soon has its reminder rows. Catches the
    places no signal announces (a closed group member's place at a session
    made later) and any a failed receiver missed, and catches up on a reminder
    whose moment passed while no sweep ran: see `_owed_late`. Inserting an
    existing row does nothing."""
    now = now or timezone.now()
    bookings = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, session__status=GroupSession.Status.SCHEDULED,
        session__starts_at__gt=now, session__starts_at__lte=now + REMINDER_HORIZON,
    ).select_related("session").only("pk", "user_id", "confirmed_at", "session__starts_at")
    rows, late = [], []
    for booking in bookings:
        for kind in REMINDER_KINDS:
            due = reminder_due_at(kind, booking.session.starts_at)
            if due > now:
                rows.append(_reminder(booking, kind, due))
            elif _owed_late(booking, kind, due, now):
                late.append((booking, kind, due))
    rows.extend(_reminder(booking, kind, now) for booking, kind, _ in _still_missing(late))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _reminder(booking: Booking, kind: str, due_at: datetime) -> Notification:
    stamp = reminder_stamp(booking.session.starts_at)
    return Notification(user_id=booking.user_id, booking=booking, kind=kind, stamp=stamp, due_at=due_at)


def _owed_late(booking: Booking, kind: str, due: datetime, now: datetime) -> bool:
    """A reminder whose moment has passed (before the session starts) is still
    sent, late, if the person held the place at that moment; the day-before
    one gives way once the hour-before one is due, so nobody gets both at
    once. Someone who booked after the moment had the confirmation instead."""
    if booking.confirmed_at is not None and booking.confirmed_at >= due:
        return False
    return kind != Kind.REMINDER_24H or reminder_due_at(Kind.REMINDER_1H, booking.session.starts_at) > now


def _still_missing(late: Sequence[tuple[Booking, str, datetime]]) -> list[tuple[Booking, str, datetime]]:
    """Of the late reminders, those never made, and not covered by a "moved"
    message sent after their moment (it gave the new time)."""
    if not late:
        return []
    ids = {booking.pk for booking, _, _ in late}
    made = set(Notification.objects.filter(booking_id__in=ids, kind__in=REMINDER_KINDS)
               .values_list("booking_id", "kind", "stamp"))
    missing = [(b, kind, due) for b, kind, due in late
               if (b.pk, kind, reminder_stamp(b.session.starts_at)) not in made]
    if not missing:
        return []
    moved = dict(Notification.objects.filter(booking_id__in={b.pk for b, _, _ in missing}, kind=Kind.SESSION_MOVED)
                 .values_list("booking_id").annotate(Max("created_at")))
    return [(b, kind, due) for b, kind, due in missing if b.pk not in moved or moved[b.pk] < due]


def _member_reminders_schedule(*, membership: Membership, now: datetime) -> int:
    """A newly accepted member's places at sessions to come get their
    reminders now, rather than only from a sweep near the time."""
    places = Booking.objects.filter(
        user_id=membership.user_id, session__group_id=membership.group_id, status=Booking.Status.CONFIRMED,
        session__status=GroupSession.Status.SCHEDULED, session__starts_at__gt=now,
    ).select_related("session").only("pk", "user_id", "session__starts_at")
    rows = [_reminder(place, kind, due) for place in places for kind in REMINDER_KINDS
            if (due := reminder_due_at(kind, place.session.starts_at)) > now]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def notifications_booking_cancelled(*, booking: Booking, confirm: bool = False,
                                    now: datetime | None = None) -> Notification | None:
    """Unsent reminders go; one already claimed is skipped when it is checked.
    `confirm` (a place the person gave up themselves): they are told, with a
    calendar file that removes the session from their calendar."""
    booking.notifications.filter(kind__in=REMINDER_KINDS, status=Status.PENDING).delete()
    if not confirm:
        return None
    notification, created = Notification.objects.get_or_create(
        booking=booking, kind=Kind.BOOKING_CANCELLED, stamp=event_stamp(booking.cancelled_at),
        defaults={"user_id": booking.user_id, "due_at": now or timezone.now()},
    )
    if created:
        _enqueue(tasks.deliver_notification, notification.pk)
    return notification


@transaction.atomic
def notifications_application_received(*, membership: Membership,
                                       now: datetime | None = None) -> list[Notification]:
    """Each of the group's facilitators is told of a new application, once
    per application (applying again after withdrawing is a new one)."""
    now = now or timezone.now()
    applied = event_stamp(Membership.objects.values_list("applied_at", flat=True).get(pk=membership.pk))
    facilitators = Facilitation.objects.filter(group_id=membership.group_id).values_list("user_id", flat=True)
    made = []
    for user_id in facilitators:
        notification, created = Notification.objects.get_or_create(
            membership=membership, kind=Kind.APPLICATION_RECEIVED, stamp=f"{applied}/{user_id}",
            defaults={"user_id": user_id, "due_at": now},
        )
        if created:
            made.append(notification)
            _enqueue(tasks.deliver_notification, notification.pk)
    return made


@transaction.atomic
def notifications_session_changed(*, session: GroupSession, change: str, now: datetime | None = None,
                                  previous_starts_at: datetime | None = None) -> int:
    """Tell everyone booked or waiting, once per change; keep reminders true."""
    now = now or timezone.now()
    kind = {"cancelled": Kind.SESSION_CANCELLED, "restored": Kind.SESSION_RESTORED}.get(change, Kind.SESSION_MOVED)
    bookings = list(session.bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]))
    unsent = Notification.objects.filter(booking__session=session, status=Status.PENDING)
    # A newer change supersedes an unsent report of an older one.
    unsent.filter(kind__in=[Kind.SESSION_MOVED, Kind.SESSION_CANCELLED, Kind.SESSION_RESTORED]).update(
        status=Status.SKIPPED, last_error="superseded by a later change"
    )
    if kind == Kind.SESSION_CANCELLED:
        unsent.filter(kind__in=REMINDER_KINDS).delete()
    else:
        for booking in bookings:
            if booking.status == Booking.Status.CONFIRMED:
                _reminders_schedule(booking=booking, now=now)
    moved_from = previous_starts_at if kind == Kind.SESSION_MOVED and previous_starts_at != session.starts_at else None
    stamp = change_stamp(session.starts_at, session.updated_at, moved_from)
    Notification.objects.bulk_create(
        [Notification(user_id=b.user_id, booking=b, kind=kind, stamp=stamp, due_at=now) for b in bookings],
        ignore_conflicts=True,  # the same change reported twice is told once
    )
    if bookings:
        _enqueue(tasks.send_due_notifications)
    logger.info("session %s %s: %d people to tell", session.code, change, len(bookings))
    return len(bookings)


@transaction.atomic
def notification_membership_decided(*, membership: Membership, now: datetime | None = None) -> Notification | None:
    kinds: dict[str, Kind] = {
        Membership.Status.ACCEPTED: Kind.APPLICATION_ACCEPTED,
        Membership.Status.DECLINED: Kind.APPLICATION_DECLINED,
    }
    kind = kinds.get(membership.status)
    if kind is None:
        return None
    now = now or timezone.now()
    notification, created = Notification.objects.get_or_create(
        membership=membership, kind=kind, stamp=event_stamp(membership.decided_at),
        defaults={"user_id": membership.user_id, "due_at": now},
    )
    if kind == Kind.APPLICATION_ACCEPTED:
        _member_reminders_schedule(membership=membership, now=now)
    if created:
        _enqueue(tasks.deliver_notification, notification.pk)
    return notification


@transaction.atomic
def feedback_invitations_schedule(*, now: datetime | None = None) -> int:
    """One invitation per attended booking of a session that has ended."""
    now = now or timezone.now()
    attended = (
        Booking.objects.filter(
            attendance=Booking.Attendance.ATTENDED, feedback_given=False,
            session__status=GroupSession.Status.SCHEDULED,
            session__ends_at__lte=now, session__ends_at__gt=now - FEEDBACK_WINDOW,
        )
        .exclude(notifications__kind=Kind.FEEDBACK_INVITATION)
        .only("pk", "user_id")
    )
    bookings = list(attended)
    Notification.objects.bulk_create(
        [Notification(user_id=b.user_id, booking=b, kind=Kind.FEEDBACK_INVITATION, due_at=now) for b in bookings],
        ignore_conflicts=True,  # a second run at the same moment adds nothing
    )
    return len(bookings)


@transaction.atomic
def preference_update(*, user: User, reminder_24h: bool, reminder_1h: bool) -> Preference:
    preference, _ = Preference.objects.update_or_create(
        user=user, defaults={"reminder_24h": reminder_24h, "reminder_1h": reminder_1h}
    )
    return preference


@transaction.atomic
def notification_mark_read(*, notification: Notification, now: datetime | None = None) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now or timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    return Notification.objects.filter(user=user, shown_at__isnull=False, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


@transaction.atomic
def notifications_send_again(*, notifications: QuerySet[Notification], now: datetime | None = None) -> int:
    """An admin's retry of failed notifications: back in the queue, attempts reset."""
    count: int = notifications.filter(status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, claimed_at=None, last_error="", due_at=now or timezone.now()
    )
    return count
