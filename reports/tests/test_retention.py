"""Reports over periods whose bookings the retention purge has deleted: the
same published figures before and after the real purge, except those that
need to know who held each place, which become "not available"."""

from datetime import UTC, datetime, timedelta

import pytest

from groups.formats import Format
from privacy.services import retention_purge
from reports.export import report_csv, report_rows
from reports.periods import LONDON, Period, PeriodKind
from reports.report import NOT_AVAILABLE, PEOPLE, PROFILE, Report, build_report
from reports.selectors import ALL, session_counts
from reports.tests.factories import BookingFactory, FeedbackFactory, GroupSessionFactory, ParticipantFactory
from reports.tests.queries import report_queries
from reports.tests.test_report import assert_publishable
from signups.models import Booking

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 8, 1, 9, tzinfo=UTC)  # bookings of sessions before 1 August 2024 are purged
YEAR_2023 = Period(PeriodKind.YEAR, 2023)  # wholly purged
YEAR_2024 = Period(PeriodKind.YEAR, 2024)  # purged up to July
SPRING_2026 = Period(PeriodKind.QUARTER, 2026, 2)  # kept
OUTCOMES = ["attended"] * 9 + ["no_show"] * 2 + ["unknown"]


def _session(start: datetime, fmt: str):
    return GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), group__format=fmt)


def _fill(session, people) -> None:
    """Twelve places, one person who waited in vain and one who gave a place up."""
    for person, attendance in zip(people, OUTCOMES, strict=False):
        BookingFactory(session=session, user=person, attendance=attendance)
    BookingFactory(session=session, user=people[12], status=Booking.Status.WAITLISTED, confirmed_at=None)
    BookingFactory(session=session, user=people[13], status=Booking.Status.CANCELLED,
                   confirmed_at=session.starts_at - timedelta(days=2))
    for score in (5, 4, 4, 3, 5, 2, 4, 5, 4):
        FeedbackFactory(session=session, helpfulness=score, comment="It helped.")


@pytest.fixture
def programme():
    """Monthly Balint and Schwartz sessions from 2023 to 2026. Recent sessions
    have their own people: whether someone is *new* depends on their earlier
    attendance, which the purge deletes too (docs/reports.md)."""
    regulars = ParticipantFactory.create_batch(14)
    newcomers = ParticipantFactory.create_batch(14)
    months = [(2023, m) for m in range(1, 13)] + [(2024, 3), (2024, 10), (2026, 4), (2026, 5)]
    for i, (year, month) in enumerate(months):
        start = datetime(year, month, 10, 12, tzinfo=LONDON)
        _fill(_session(start, [Format.BALINT, Format.SCHWARTZ][i % 2]),
              regulars if start < datetime(2024, 8, 1, tzinfo=LONDON) else newcomers)


def _expected_after(before: Report, purged_rows: set) -> list[list[str]]:
    """The CSV of `before`, with the figures that need per-person detail
    replaced by NOT_AVAILABLE in rows that had a purged session."""
    expected = []
    rows = report_rows(before)
    expected.append(next(rows))
    for table in before.tables:
        dimension = table.slug.removeprefix("feedback_")
        for row in table.rows:
            key = ALL if row.is_total else row.key
            for cell in row.cells:
                line = next(rows)
                in_purged = key in purged_rows if dimension not in PROFILE or key == ALL else bool(purged_rows)
                person_level = cell.measure.slug in PEOPLE or (dimension in PROFILE and key != ALL)
                expected.append([*line[:3], NOT_AVAILABLE] if in_purged and person_level else line)
    return expected


@pytest.mark.parametrize(("period", "purged_rows"), [
    (YEAR_2023, {ALL, Format.BALINT, Format.SCHWARTZ, *(datetime(2023, m, 1).date() for m in range(1, 13))}),
    (YEAR_2024, {ALL, Format.BALINT, datetime(2024, 3, 1).date()}),
    (SPRING_2026, set()),
])
def test_a_period_reports_the_same_figures_before_and_after_the_purge(programme, period, purged_rows):
    before = build_report(period=period, now=NOW)
    assert before.total["places_booked"].text not in ("0", "*")  # the data is big enough to show
    result = retention_purge(now=NOW)
    assert result.sessions_summarised == 13
    after = build_report(period=period, now=NOW)
    expected = _expected_after(before, purged_rows)
    assert list(report_rows(after)) == expected
    assert_publishable(after)
    if purged_rows:
        assert report_csv(after) != report_csv(before)  # the CSV really changed where it had to
        assert after.total["participants"].text == NOT_AVAILABLE
    else:
        assert report_csv(after) == report_csv(before)


def test_places_and_attendance_of_a_purged_session_come_from_its_summary(programme):
    retention_purge(now=NOW)
    assert not Booking.objects.filter(session__starts_at__year=2023).exists()
    figures = session_counts(period=YEAR_2023, now=NOW)[ALL]
    assert figures["sessions_held"] == figures["summarised"] == 12
    assert (figures["summarised_places_booked"], figures["summarised_attended"]) == (12 * 12, 12 * 9)
    assert (figures["summarised_no_show"], figures["summarised_not_recorded"]) == (12 * 2, 12)


def test_small_numbers_in_summaries_are_still_suppressed():
    session = _session(datetime(2023, 6, 10, 12, tzinfo=LONDON), Format.BALINT)
    for attendance in ["attended"] * 3 + ["no_show"] * 9:
        BookingFactory(session=session, attendance=attendance)
    retention_purge(now=NOW)
    report = build_report(period=YEAR_2023, now=NOW)
    assert_publishable(report)
    total = report.total
    assert (total["places_booked"].text, total["attended"].text, total["no_show"].text) == ("10", "*", "*")
    assert total["attendance_rate"].text == "*"


def test_a_cancelled_session_s_summary_is_not_counted():
    session = _session(datetime(2023, 6, 10, 12, tzinfo=LONDON), Format.BALINT)
    BookingFactory.create_batch(10, session=session, attendance="attended")
    session.status = session.Status.CANCELLED
    session.save()
    retention_purge(now=NOW)
    assert build_report(period=YEAR_2023, now=NOW).total["attended"].text == "0"


@pytest.mark.parametrize("purged", [False, True])
def test_summaries_add_no_queries(programme, django_assert_num_queries, purged):
    if purged:
        retention_purge(now=NOW)
    build_report(period=YEAR_2023, now=NOW)  # the rollups catch up with the purge
    with django_assert_num_queries(report_queries()):
        build_report(period=YEAR_2023, now=NOW)


def test_the_page_says_what_not_available_means(programme, client, programme_admin):
    from django.urls import reverse

    retention_purge(now=NOW)
    client.force_login(programme_admin)
    html = client.get(reverse("reports:index"), {"kind": "year", "year": "2023"}).text
    assert '..<span class="nhsuk-u-visually-hidden"> (not available: details deleted after 24 months)</span>' in html
    assert "Not available (..)" in html
