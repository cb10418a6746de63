from datetime import UTC, date, datetime

from reports.periods import LONDON, Period, PeriodKind, last_complete_month


def test_a_month_runs_from_london_midnight_to_london_midnight():
    april = Period(PeriodKind.MONTH, 2026, 4)
    # 1 April 2026 is in British Summer Time: midnight there is 23:00 UTC the day before.
    assert april.start == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert april.end == datetime(2026, 4, 30, 23, 0, tzinfo=UTC)


def test_a_winter_month_starts_at_utc_midnight():
    assert Period(PeriodKind.MONTH, 2026, 1).start == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_quarter_covers_three_calendar_months():
    q4 = Period(PeriodKind.QUARTER, 2025, 4)
    assert q4.months() == [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)]
    assert q4.end == datetime(2026, 1, 1, tzinfo=LONDON)
    assert q4.label == "October to December 2025"
    assert q4.slug == "2025-q4"


def test_a_year_has_twelve_months_and_a_plain_label():
    year = Period(PeriodKind.YEAR, 2025)
    assert len(year.months()) == 12
    assert (year.label, year.slug) == ("January to December 2025", "2025")
    assert year.query == {"kind": "year", "year": "2025"}


def test_the_default_is_the_last_complete_month_in_london():
    # 00:30 BST on 1 May is still 30 April in UTC, but May has begun in London.
    now = datetime(2026, 4, 30, 23, 30, tzinfo=UTC)
    assert last_complete_month(now) == Period(PeriodKind.MONTH, 2026, 4)
    assert last_complete_month(datetime(2026, 1, 15, tzinfo=UTC)) == Period(PeriodKind.MONTH, 2025, 12)


def test_a_month_names_itself_for_people_and_for_files():
    march = Period(PeriodKind.MONTH, 2026, 3)
    assert (march.label, march.slug) == ("March 2026", "2026-03")
    assert march.query == {"kind": "month", "year": "2026", "month": "3"}
