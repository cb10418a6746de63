from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core import dates

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("hour", "minute", "text"), [
    (12, 45, "12:45pm"), (14, 0, "2pm"), (9, 5, "9:05am"), (12, 0, "midday"), (0, 0, "midnight"), (0, 30, "12:30am"),
])
def test_clock_times_read_as_nhs_uk_writes_them(hour, minute, text):
    assert dates.clock(datetime(2026, 3, 3, hour, minute, tzinfo=LONDON)) == text


def test_a_span_names_the_day_and_both_times_in_london():
    starts = datetime(2026, 3, 3, 12, 45, tzinfo=LONDON)
    ends = datetime(2026, 3, 3, 14, 0, tzinfo=LONDON)
    assert dates.span(starts, ends) == "Tuesday 3 March 2026, 12:45pm to 2pm"


def test_summer_times_are_shown_in_british_summer_time():
    utc_noon = datetime(2026, 7, 1, 11, 45, tzinfo=ZoneInfo("UTC"))
    assert dates.clock(utc_noon) == "12:45pm"


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2026, 3, 3, 8, 0, tzinfo=LONDON), "today"),
    (datetime(2026, 3, 2, 23, 30, tzinfo=LONDON), "tomorrow"),
    (datetime(2026, 2, 28, 9, 0, tzinfo=LONDON), "on Tuesday 3 March"),
])
def test_relative_days_are_judged_on_london_dates(now, expected):
    assert dates.relative_day(datetime(2026, 3, 3, 12, 45, tzinfo=LONDON), now=now) == expected


def test_the_list_says_when_a_notification_arrived(settings):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.templatetags.notifications_tags import received

    now = timezone.localtime()
    assert received(now).startswith("Today at ")
    assert received(now - timedelta(days=1)).startswith("Yesterday at ")
    assert received(now - timedelta(days=10)) == f"{dates.day(now - timedelta(days=10))} at " + dates.clock(
        now - timedelta(days=10))
    assert received(None) == ""


def test_at_names_the_day_and_time_and_midday_in_summer_time():
    assert dates.at(datetime(2026, 7, 1, 11, 0, tzinfo=ZoneInfo("UTC"))) == "Wednesday 1 July 2026 at midday"


def test_a_span_over_midnight_names_both_days():
    starts = datetime(2026, 3, 3, 22, 0, tzinfo=LONDON)
    ends = datetime(2026, 3, 4, 1, 0, tzinfo=LONDON)
    assert dates.span(starts, ends) == "Tuesday 3 March 2026, 10pm to Wednesday 4 March 2026, 1am"


def test_a_span_without_an_end_is_the_start_alone():
    assert dates.span(datetime(2026, 3, 3, 9, 5, tzinfo=LONDON)) == "Tuesday 3 March 2026, 9:05am"
