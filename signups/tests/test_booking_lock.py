"""What happens while a booking holds, or waits for, its session's lock (the
bench S1 rush): the locked part is short, stamps follow the lock's order,
and a session cancelled meanwhile is not booked. Real PostgreSQL only."""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing import requires_postgres
from programmes.tests.factories import ProgrammeFactory
from signups import signals
from signups.errors import SignupRefused
from signups.models import Booking
from signups.services import booking_cancel, booking_create
from signups.tests.factories import GroupSessionFactory, PeerGroupFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _connect(**extra) -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, **extra)


def _in_background(action) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run():
        try:
            outcome.append(action())
        except BaseException as exc:  # noqa: BLE001 - the test asserts on it
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _wait_until_waiting_for_a_lock(monitor: psycopg.Connection) -> None:
    deadline = time.monotonic() + 15
    query = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
             "AND wait_event_type = 'Lock'")
    while monitor.execute(query).fetchone()[0] < 1:
        assert time.monotonic() < deadline, "the booking never queued for the lock"
        time.sleep(0.005)


def _while_locked(session, action, then=None):
    """Run `action` in a thread while another transaction holds the session's
    lock; `then(blocker)` runs in that transaction before it commits.
    Returns (the moment the lock was released, the outcome)."""
    monitor, blocker = _connect(autocommit=True), _connect()
    try:
        blocker.execute("SELECT id FROM groups_groupsession WHERE id = %s FOR UPDATE", [session.pk])
        thread, outcome = _in_background(action)
        _wait_until_waiting_for_a_lock(monitor)
        time.sleep(0.05)  # the attempt's arrival and the release are clearly apart
        if then:
            then(blocker)
        released = timezone.now()
        blocker.commit()
        thread.join(timeout=30)
        assert not thread.is_alive()
    finally:
        blocker.close()
        monitor.close()
    return released, outcome[0]


def test_the_waiting_list_is_stamped_when_the_lock_is_taken_not_on_arrival():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=1))
    booking_create(session=session, user=UserFactory())
    person = UserFactory()
    released, booking = _while_locked(session, lambda: booking_create(session=session, user=person,
                                                                      join_waitlist=True))
    assert booking.status == Booking.Status.WAITLISTED
    assert booking.queued_at >= released


def test_a_place_is_stamped_when_the_lock_is_taken():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=2))
    person = UserFactory()
    released, booking = _while_locked(session, lambda: booking_create(session=session, user=person))
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.confirmed_at >= released


def test_a_session_cancelled_while_the_booking_waited_is_not_booked():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=5))
    person = UserFactory()

    def cancel(blocker):
        blocker.execute("UPDATE groups_groupsession SET status = 'cancelled' WHERE id = %s", [session.pk])

    _, outcome = _while_locked(session, lambda: booking_create(session=session, user=person), then=cancel)
    assert isinstance(outcome, SignupRefused)
    assert outcome.reason == "cancelled"
    assert not Booking.objects.filter(session=session).exists()


def test_a_first_booking_locks_counts_and_writes_in_one_round_trip():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=5))
    with CaptureQueriesContext(connection) as context:
        booking = booking_create(session=session, user=UserFactory())
    sql = [q["sql"] for q in context.captured_queries]
    locked = [i for i, q in enumerate(sql) if "FOR UPDATE" in q]
    assert len(locked) == 1
    assert "INSERT INTO" in sql[locked[0]]
    # Nothing opened a transaction around it: the server commits it, so the
    # lock is never held while a reply travels back to the web process.
    assert not [q for q in sql[:locked[0]] if q.startswith(("BEGIN", "SAVEPOINT"))], sql
    assert booking.status == Booking.Status.CONFIRMED
    assert Booking.objects.get(pk=booking.pk).confirmed_at == booking.confirmed_at


def test_booking_again_after_cancelling_is_one_read_and_one_write_under_the_lock():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=5))
    person = UserFactory()
    booking_cancel(booking=booking_create(session=session, user=person))
    with CaptureQueriesContext(connection) as context:
        booking_create(session=session, user=person)
    sql = [q["sql"] for q in context.captured_queries]
    locked = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "INSERT" not in q)
    committed = next(i for i, q in enumerate(sql) if i > locked and q.startswith("COMMIT"))
    # places and the person's own row's id, the row, its update
    assert len(sql[locked + 1:committed]) == 3, sql[locked:committed + 1]


def _move_to(programme, group):
    def move(blocker):  # what group_programme_move commits, while the booking waits
        blocker.execute("UPDATE groups_peergroup SET programme_id = %s WHERE id = %s", [programme.pk, group.pk])
    return move


def test_a_group_moved_while_the_booking_waited_is_not_booked_there_by_someone_not_eligible():
    group = PeerGroupFactory(capacity=5)
    session = GroupSessionFactory(group=group)
    person = UserFactory()  # an nhs.net address: not one of the trust's
    trust = ProgrammeFactory(all_nhs_staff=False)
    _, outcome = _while_locked(session, lambda: booking_create(session=session, user=person),
                               then=_move_to(trust, group))
    assert isinstance(outcome, SignupRefused)
    assert outcome.reason == "moved"
    assert "moved to another programme" in outcome.message
    assert not Booking.objects.filter(session=session).exists()


def test_a_group_moved_while_the_booking_waited_is_booked_by_someone_eligible_there_too():
    group = PeerGroupFactory(capacity=5)
    session = GroupSessionFactory(group=group)
    person = UserFactory()
    national = ProgrammeFactory(all_nhs_staff=True)
    _, outcome = _while_locked(session, lambda: booking_create(session=session, user=person, join_waitlist=True),
                               then=_move_to(national, group))
    assert outcome.status == Booking.Status.CONFIRMED
    assert Booking.objects.filter(session=session, user=person).count() == 1


def test_asking_again_while_queued_changes_nothing():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=1))
    booking_create(session=session, user=UserFactory())
    person = UserFactory()
    first = booking_create(session=session, user=person, join_waitlist=True)
    again = booking_create(session=session, user=person, join_waitlist=True)
    assert again.pk == first.pk
    assert again.queued_at == first.queued_at


def test_each_place_is_announced_once_after_its_commit_and_a_queued_one_not_at_all():
    session = GroupSessionFactory(group=PeerGroupFactory(capacity=1))
    sent: list = []

    def receiver(sender, booking, **kwargs):
        # Sent after the commit: another connection already sees the place.
        with _connect(autocommit=True) as other:
            row = other.execute("SELECT status FROM signups_booking WHERE id = %s", [booking.pk]).fetchone()
        sent.append((booking.pk, row))

    signals.booking_confirmed.connect(receiver)
    try:
        first, person = UserFactory(), UserFactory()
        placed = booking_create(session=session, user=first)  # one round trip
        queued = booking_create(session=session, user=person, join_waitlist=True)
        booking_cancel(booking=booking_create(session=session, user=first))  # asking again: nothing
        again = booking_create(session=session, user=UserFactory(), join_waitlist=True)  # queued behind person
        rebooked = booking_create(session=session, user=first, join_waitlist=True)  # the ORM path: queued
    finally:
        signals.booking_confirmed.disconnect(receiver)
    assert sent == [(placed.pk, ("confirmed",))]
    assert queued.status == again.status == rebooked.status == Booking.Status.WAITLISTED
