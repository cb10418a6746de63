"""Booking a place, the waiting list, and cancelling.

Every change to a session's places takes that session's row lock first
(`lock_session`), late and briefly, then counts confirmed bookings: with the
unique constraint on person + session, capacity can never be exceeded.
"""

from datetime import datetime
from typing import cast

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import live_rooms_recheck
from groups.models import GroupSession, PeerGroup
from signups import signals
from signups.errors import SessionFull, SignupRefused
from signups.models import Booking
from signups.selectors import JoinFacts, join_facts
from signups.services.booking_statement import book_in_one_statement, one_statement_available
from signups.services.rules import (
    LATE_CANCELLATION,
    booking_window_open,
    check_session_bookable,
    check_session_open,
    check_still_visible,
    confirmed_count_and_clock,
    is_drop_in,
    lock_session,
    places_own_booking_and_programme,
    waiting_in_line,
)

ACTIVE = (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED)


def booking_create(*, session: GroupSession, user: User, join_waitlist: bool = False,
                   now: datetime | None = None, facts: JoinFacts | None = None) -> Booking:
    """Book a place, or (with `join_waitlist`) queue for one when the session
    is full. Asking again while booked or queued changes nothing.

    The eligibility checks run first, without any lock. Every attempt at a
    session then queues for its lock, so the locked part is kept short: on
    PostgreSQL, a first booking is one round trip (`booking_statement`);
    otherwise three statements (the lock, one query for the places, the
    person's own booking and the group's programme, one write). Both refuse
    a group moved to another programme while the attempt waited, unless the
    person may book there too. `facts`: what `session_to_book` read with
    the session (else `join_facts` reads them).

    Both paths stamp places and the queue with the database's clock, read
    under the lock, so the two agree on the waiting list's order."""
    facts = facts or join_facts(user=user, group=session.group)
    check_session_bookable(session=session, user=user, now=now or timezone.now(), facts=facts)
    programme_id = cast(int, session.group.programme_id)  # what the checks (and the caller's) saw
    if one_statement_available():
        wait = join_waitlist and not is_drop_in(session.group)
        new = _reopen(None, session=session, user=user, status=Booking.Status.CONFIRMED, now=now or timezone.now())
        outcome = book_in_one_statement(new, programme_id=programme_id, join_waitlist=wait, now=now)
        if outcome is not None and outcome.full:
            raise SessionFull(_full_message(session))
        if outcome is not None and outcome.booking is not None:
            if outcome.booking.status == Booking.Status.CONFIRMED:
                signals.send_after_commit(signals.booking_confirmed, Booking, booking=outcome.booking)
            return outcome.booking
    return _book_under_lock(session=session, user=user, join_waitlist=join_waitlist, now=now,
                            programme_id=programme_id)


@transaction.atomic
def _book_under_lock(*, session: GroupSession, user: User, join_waitlist: bool, now: datetime | None,
                     programme_id: int) -> Booking:
    session = lock_session(session)
    confirmed, own, programme_now, stamp = places_own_booking_and_programme(session, user)
    # Stamped under the lock, so the waiting list follows the lock's order,
    # not the order in which requests reached the view.
    now = now or stamp
    check_session_open(session=session, now=now)  # cancelled or started while we waited?
    if programme_now != programme_id:  # moved while we waited: may they book it where it is now?
        check_still_visible(session=session, user=user)
    booking = Booking.objects.get(pk=own) if own else None
    if booking is not None and booking.status in ACTIVE:
        return booking
    if confirmed < session.effective_capacity:
        status, queued_at = Booking.Status.CONFIRMED, None
    elif join_waitlist and not is_drop_in(session.group):
        status, queued_at = Booking.Status.WAITLISTED, now
    else:
        raise SessionFull(_full_message(session))
    booking = _reopen(booking, session=session, user=user, status=status, now=now)
    booking.queued_at = queued_at
    booking.save()
    if status == Booking.Status.CONFIRMED:
        signals.send_after_commit(signals.booking_confirmed, Booking, booking=booking)
    return booking


def _full_message(session: GroupSession) -> str:
    if is_drop_in(session.group):
        return "This room is full. Please try another session."
    return "This session is full. You can join the waiting list instead."


def _reopen(booking: Booking | None, *, session: GroupSession, user: User, status: str, now: datetime) -> Booking:
    """One row per person per session: reuse a cancelled booking's row."""
    if booking is None:
        booking = Booking(session=session, user=user)
    else:
        booking.sequence += 1  # booked again: the calendar entry comes back
    booking.status = status
    booking.confirmed_at = now if status == Booking.Status.CONFIRMED else None
    booking.cancelled_at = None
    booking.late_cancellation = False
    booking.attendance = Booking.Attendance.UNKNOWN
    # In a closed group only members book, so any place there is a member's.
    booking.via_membership = session.group.is_closed
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, now: datetime | None = None, by_person: bool = True) -> Booking:
    """Give up a place (late within 24 hours of the start) or leave the waiting
    list; the first person waiting then gets the place. Cancelling twice
    changes nothing. `by_person`: the person cancelled this one place
    themselves (they are sent a confirmation that removes it from their
    calendar); False when it is one of many given up at once."""
    given, now = now, now or timezone.now()
    session = lock_session(booking.session)
    booking = Booking.objects.get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if not booking_window_open(session, now) and not session.is_cancelled:
        raise SignupRefused("This session has already started, so the booking cannot be cancelled.", reason="past")
    was_waitlisted = booking.status == Booking.Status.WAITLISTED
    booking.status = Booking.Status.CANCELLED
    booking.sequence += 1
    booking.cancelled_at = now
    booking.late_cancellation = (
        not was_waitlisted and not session.is_cancelled and session.starts_at - now < LATE_CANCELLATION
    )
    booking.save()
    signals.send_after_commit(
        signals.booking_cancelled, Booking, booking=booking, late=booking.late_cancellation,
        was_waitlisted=was_waitlisted, by_person=by_person,
    )
    if not was_waitlisted:
        live_rooms_recheck(user_id=booking.user_id, session_code=session.code)  # the room opens before the start
        promote_waiting(session, now=given)
    return booking


def promote_waiting(session: GroupSession, *, now: datetime | None) -> list[Booking]:
    """Give free places to the people waiting longest. The caller holds the
    session's lock. Like a booking, a place is stamped with the database's
    clock read under the lock (`now` when given, for tests), so places
    and the queue keep one order whatever a web process's clock says."""
    if session.is_cancelled:
        return []
    confirmed, stamp = confirmed_count_and_clock(session)
    now = now or stamp
    if not booking_window_open(session, now):
        return []
    free = session.effective_capacity - confirmed
    if free <= 0:
        return []
    promoted = list(waiting_in_line(session)[:free])
    for booking in promoted:
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.save(update_fields=["status", "confirmed_at", "updated_at"])
        signals.send_after_commit(signals.waitlist_promoted, Booking, booking=booking)
    return promoted


@transaction.atomic
def session_promote_waiting(*, session: GroupSession, now: datetime | None = None) -> list[Booking]:
    """After a session's capacity was raised: fill the new places from its waiting list."""
    return promote_waiting(lock_session(session), now=now)


def group_promote_waiting(*, group: PeerGroup, now: datetime | None = None) -> list[Booking]:
    """After a group's capacity was raised: each upcoming session in its own
    short transaction, so one lock is held at a time."""
    promoted: list[Booking] = []
    upcoming = group.sessions.filter(ends_at__gt=now or timezone.now(), status=GroupSession.Status.SCHEDULED)
    for session in upcoming:
        promoted += session_promote_waiting(session=session, now=now)
    return promoted
