"""Reminder times, right across the clock changes (Europe/London)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifications.models import Kind
from notifications.scheduling import change_stamp, reminder_due_at, reminder_stamp

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(("starts", "due"), [
    # an ordinary winter day: 24 real hours
    (london(2026, 1, 20, 12, 45), datetime(2026, 1, 19, 12, 45, tzinfo=UTC)),
    # the Sunday the clocks go forward: Saturday 12:45 GMT, 23 real hours before
    (london(2026, 3, 29, 12, 45), datetime(2026, 3, 28, 12, 45, tzinfo=UTC)),
    # the Monday after: Sunday 12:45 BST
    (london(2026, 3, 30, 12, 45), datetime(2026, 3, 29, 11, 45, tzinfo=UTC)),
    # the Sunday the clocks go back: Saturday 12:45 BST, 25 real hours before
    (london(2026, 10, 25, 12, 45), datetime(2026, 10, 24, 11, 45, tzinfo=UTC)),
])
def test_the_day_before_reminder_comes_at_the_sessions_own_clock_time(starts, due):
    assert reminder_due_at(Kind.REMINDER_24H, starts) == due
    assert reminder_due_at(Kind.REMINDER_24H, starts).astimezone(LONDON).time() == starts.time()


def test_a_day_before_time_lost_to_the_clocks_going_forward_comes_just_after_the_gap():
    # 01:30 on 29 March 2026 does not exist in London (01:00 GMT -> 02:00 BST).
    starts = london(2026, 3, 30, 1, 30)
    due = reminder_due_at(Kind.REMINDER_24H, starts)
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST
    assert timedelta(hours=22) < starts - due < timedelta(hours=24)


@pytest.mark.parametrize("starts", [
    london(2026, 3, 29, 2, 30),  # an hour after the clocks went forward
    london(2026, 10, 25, 1, 30, 0),  # the first 01:30 of the night the clocks go back
    london(2026, 10, 25, 1, 30, 0).replace(fold=1),  # the second 01:30
])
def test_the_hour_before_reminder_is_sixty_real_minutes(starts):
    due = reminder_due_at(Kind.REMINDER_1H, starts)
    assert starts.astimezone(UTC) - due.astimezone(UTC) == timedelta(hours=1)


def test_only_reminders_have_due_times():
    with pytest.raises(ValueError, match="not a reminder"):
        reminder_due_at(Kind.BOOKING_CONFIRMED, london(2026, 1, 1, 9))


def test_a_reminder_stamp_names_the_start_in_utc_whatever_the_zone():
    assert reminder_stamp(london(2026, 6, 1, 12, 45)) == "20260601T114500Z"
    assert reminder_stamp(datetime(2026, 6, 1, 11, 45, tzinfo=UTC)) == "20260601T114500Z"


def test_each_change_of_a_session_has_its_own_stamp():
    starts = london(2026, 6, 1, 12, 45)
    first = change_stamp(starts, datetime(2026, 5, 1, 9, 0, 0, 1, tzinfo=UTC))
    assert first == change_stamp(starts, datetime(2026, 5, 1, 9, 0, 0, 1, tzinfo=UTC))
    assert first != change_stamp(starts, datetime(2026, 5, 1, 9, 0, 0, 2, tzinfo=UTC))
    assert len(first) <= 64
