"""A booking is decided in two places on PostgreSQL: one statement for a
person's first booking at a session (`booking_statement`), and the ORM
under the lock for everything else (`bookings._book_under_lock`, the only
path on SQLite). Both must decide alike: a place, a place in the queue, or
"full". Pinned here over every combination of capacities, places taken,
format, timing and whether the person asked to queue."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing import requires_postgres
from groups.formats import Format
from signups.errors import SignupRefused
from signups.models import Booking
from signups.services import bookings
from signups.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db]

_REAL = bookings._book_under_lock
CASES = list(itertools.product(
    [None, 1, 3],  # the session's own capacity (None: the group's)
    [1, 3],  # the group's capacity
    [0, 1, 3],  # places already taken
    [False, True],  # asked to join the waiting list if full
    [Format.REFLECTIVE, Format.COMMON_ROOM],  # a drop-in room has no queue and closes at its end
    ["next week", "running now"],  # a booked session closes at its start
))


def _outcome(case, *, one_statement: bool, monkeypatch) -> tuple:
    own, group_capacity, taken, join_waitlist, kind, when = case
    starts = timezone.now() + (timedelta(days=7) if when == "next week" else -timedelta(minutes=10))
    group = PeerGroupFactory(capacity=group_capacity, format=kind)
    session = GroupSessionFactory(group=group, capacity=own, starts_at=starts, ends_at=starts + timedelta(hours=1))
    BookingFactory.create_batch(taken, session=session, status=Booking.Status.CONFIRMED)
    under_lock: list[bool] = []
    monkeypatch.setattr(bookings, "one_statement_available", lambda: one_statement)
    monkeypatch.setattr(bookings, "_book_under_lock", lambda **kw: under_lock.append(True) or _REAL(**kw))
    try:
        booking = bookings.booking_create(session=session, user=UserFactory(), join_waitlist=join_waitlist)
    except SignupRefused as exc:
        return (type(exc).__name__, exc.reason, str(exc)), under_lock
    saved = Booking.objects.get(pk=booking.pk)
    assert (saved.status, saved.queued_at, saved.confirmed_at) == (booking.status, booking.queued_at,
                                                                  booking.confirmed_at)
    decided = (saved.status, saved.queued_at is None, saved.confirmed_at is None, saved.cancelled_at,
               saved.late_cancellation, saved.attendance, saved.via_membership, saved.sequence,
               Booking.objects.filter(session=session).count())
    return decided, under_lock


def test_the_one_statement_and_the_locked_orm_path_decide_alike(monkeypatch):
    compared = 0
    for case in CASES:
        fast, fast_fell_back = _outcome(case, one_statement=True, monkeypatch=monkeypatch)
        slow, slow_locked = _outcome(case, one_statement=False, monkeypatch=monkeypatch)
        assert fast == slow, case
        assert slow_locked or fast[0] == "SignupRefused", case  # refused before either path, or decided by the ORM
        if not fast_fell_back and slow_locked:
            compared += 1  # the statement decided on one side, the ORM on the other
    # Most cases are decided by both (the rest are refused before any lock).
    assert compared >= len(CASES) // 2, compared
