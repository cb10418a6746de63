"""Two retention purges at once (the beat can overlap a slow run) count every
booking exactly once. Needs PostgreSQL's row locks."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from core.testing import requires_postgres
from privacy.models import SessionAttendanceSummary
from privacy.services import retention_purge
from signups.models import Booking
from signups.tests.factories import BookingFactory, GroupSessionFactory

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_count_each_booking_once():
    sessions = []
    for day in range(6):
        starts_at = datetime(2023, 5, 1 + day, 11, 0, tzinfo=UTC)
        sessions.append(GroupSessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)))
        for _ in range(3):
            BookingFactory(session=sessions[-1], attendance="attended")
    start = threading.Barrier(2)
    results, errors = [], []

    def purge():
        try:
            start.wait()
            results.append(retention_purge(now=NOW))
        except Exception as exc:  # surfaced below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.bookings_deleted for r in results) == 18
    assert not Booking.objects.exists()
    assert [s.attended for s in SessionAttendanceSummary.objects.order_by("session")] == [3] * 6
