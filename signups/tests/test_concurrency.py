"""Capacity under contention, on the real PostgreSQL (SQLite has no row locks)."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from core.testing import requires_postgres
from signups.models import Booking
from signups.services import booking_cancel, booking_create
from signups.tests.factories import GroupSessionFactory, PeerGroupFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 100
PLACES = 10
# Attempts queue on the lock in waves, so the test never needs more database
# connections than a shared server has to spare.
WAVE = 25


def _connect(**extra) -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, **extra)


def _waiting_for_locks(monitor: psycopg.Connection) -> int:
    row = monitor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ).fetchone()
    return row[0]


def _wait_until(predicate, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def test_100_parallel_attempts_fill_10_places_and_queue_the_rest_in_arrival_order():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=PLACES))
    people = UserFactory.create_batch(ATTEMPTS)
    arrivals: list[int] = []  # user ids, in the order each attempt was made
    errors: list[BaseException] = []

    def attempt(user) -> None:
        try:
            arrivals.append(user.pk)
            booking_create(session=session, user=user, join_waitlist=True)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    monitor = _connect(autocommit=True)
    blocker = _connect()
    try:
        for start in range(0, ATTEMPTS, WAVE):
            # Hold the session's row lock so every attempt of this wave queues
            # behind it; start each one only when the previous one is waiting.
            blocker.execute("SELECT id FROM groups_groupsession WHERE id = %s FOR UPDATE", [session.pk])
            threads = []
            for i, user in enumerate(people[start:start + WAVE], start=1):
                thread = threading.Thread(target=attempt, args=(user,))
                thread.start()
                threads.append(thread)
                _wait_until(lambda i=i: _waiting_for_locks(monitor) >= i, f"attempt {start + i} to queue")
            blocker.commit()  # all of them at once now
            for thread in threads:
                thread.join(timeout=30)
            assert not any(t.is_alive() for t in threads)
    finally:
        blocker.close()
        monitor.close()

    assert errors == []
    assert len(arrivals) == ATTEMPTS
    confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).order_by("queued_at", "pk")
    assert confirmed.count() == PLACES
    assert sorted(confirmed.values_list("user_id", flat=True)) == sorted(arrivals[:PLACES])
    assert list(waiting.values_list("user_id", flat=True)) == arrivals[PLACES:]
    assert len(set(waiting.values_list("queued_at", flat=True))) == ATTEMPTS - PLACES


def test_simultaneous_cancellations_and_bookings_never_overbook():
    """Free-for-all: people cancel while others book and queue."""
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=5))
    holders = [booking_create(session=session, user=u) for u in UserFactory.create_batch(5)]
    newcomers = UserFactory.create_batch(20)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(holders) + len(newcomers))

    def run(action) -> None:
        try:
            barrier.wait(timeout=30)
            action()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    actions = [lambda b=b: booking_cancel(booking=b) for b in holders]
    actions += [lambda u=u: booking_create(session=session, user=u, join_waitlist=True) for u in newcomers]
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count() == 5
    assert Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).count() == 15
