"""The published report: suppressed everywhere, consistent across tables, and
built from real rows in the database."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.choices import Profession, Region
from groups.formats import Format
from reports.periods import LONDON, Period, PeriodKind
from reports.report import NOT_AVAILABLE, ROW_SUMS, Report, build_report
from reports.tests.factories import BookingFactory, FeedbackFactory, GroupSessionFactory, ParticipantFactory
from reports.tests.queries import report_queries
from signups.models import Booking

SPRING = Period(PeriodKind.QUARTER, 2026, 2)
NOW = datetime(2026, 8, 1, tzinfo=UTC)
FIGURE = re.compile(r"^(0|\*|–|\.\.|[1-9]\d*[05]|\d+%|[1-5]\.\d)$")
SESSION_FIGURE = re.compile(r"^(0|[1-9]\d*)$")  # exact: a session is not a person


def assert_publishable(report: Report) -> None:
    """What every published report must satisfy, whatever the data."""
    totals = None
    for table in report.tables:
        *rows, total = table.rows
        assert total.is_total
        counted = [m for m in table.measures if m.kind == "count"]
        for row in table.rows:
            for cell in row.cells:
                if cell.measure.kind == "sessions":
                    assert SESSION_FIGURE.match(cell.text), (table.slug, row.label, cell.measure.slug, cell.text)
                    continue
                assert FIGURE.match(cell.text), (table.slug, row.label, cell.measure.slug, cell.text)
                if cell.measure.kind == "count":
                    assert cell.value in (None, NOT_AVAILABLE) or cell.value % 5 == 0
            # within a row: a shown total never has exactly one hidden part
            for whole, parts in ROW_SUMS.items():
                if any(m.slug == whole for m in counted) and row.value(whole) not in (None, NOT_AVAILABLE):
                    assert sum(row.value(part) is None for part in parts) != 1
            for measure in ("attendance_rate", "no_show_rate"):
                if any(m.slug == measure for m in table.measures) and row.value("places_booked") is None:
                    assert row.value(measure) is None
        # down a column: likewise for the total row
        for measure in counted:
            if total.value(measure.slug) not in (None, NOT_AVAILABLE):
                assert sum(row.value(measure.slug) is None for row in rows) != 1, (table.slug, measure.slug)
        # the whole-period row is one set of figures, whichever table shows it
        shown = {c.measure.slug: c.text for c in total.cells}
        totals = totals or {}
        for slug, text in shown.items():
            assert totals.setdefault(slug, text) == text, (table.slug, slug)


@pytest.mark.django_db
def test_a_small_programme_is_almost_entirely_hidden():
    session = GroupSessionFactory(starts_at=datetime(2026, 4, 14, 12, tzinfo=LONDON),
                                  ends_at=datetime(2026, 4, 14, 13, tzinfo=LONDON))
    for _ in range(3):
        BookingFactory(session=session, attendance=Booking.Attendance.ATTENDED)
    report = build_report(period=SPRING, now=NOW)
    assert_publishable(report)
    total = report.total
    assert (total["attended"].text, total["participants"].text, total["attendance_rate"].text) == ("*", "*", "*")


@pytest.mark.django_db
def test_figures_are_rounded_and_rates_use_the_rounded_figures():
    session = GroupSessionFactory(starts_at=datetime(2026, 5, 14, 12, tzinfo=LONDON),
                                  ends_at=datetime(2026, 5, 14, 13, tzinfo=LONDON))
    for _ in range(22):
        BookingFactory(session=session, attendance=Booking.Attendance.ATTENDED)
    for _ in range(9):
        BookingFactory(session=session, attendance=Booking.Attendance.NO_SHOW)
    for score in [5] * 6 + [4] * 3:
        FeedbackFactory(session=session, helpfulness=score)
    report = build_report(period=SPRING, now=NOW)
    assert_publishable(report)
    total = report.total
    assert (total["places_booked"].text, total["attended"].text, total["no_show"].text) == ("30", "20", "10")
    assert (total["attendance_rate"].text, total["no_show_rate"].text) == ("67%", "33%")
    assert total["score_5"].text == "*"
    assert total["mean"].text == "*"  # it would pin down the hidden 4s and 5s
    assert total["score_4"].text == "*"


@pytest.mark.django_db
def test_a_lone_small_cell_in_a_column_hides_another_and_the_tables_agree():
    start = datetime(2026, 4, 14, 12, tzinfo=LONDON)
    session = GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    for profession, n in ((Profession.NURSE, 30), (Profession.DOCTOR, 12), (Profession.MIDWIFE, 3)):
        for _ in range(n):
            BookingFactory(session=session, attendance=Booking.Attendance.ATTENDED,
                           user=ParticipantFactory(profession=profession))
    report = build_report(period=SPRING, now=NOW)
    assert_publishable(report)
    table = report.table("profession")
    attended = {row.key: row.value("attended") for row in table.rows}
    assert attended[Profession.MIDWIFE] is None
    assert attended[Profession.DOCTOR] is None  # the next smallest, so 45 - 30 cannot reveal 3 + 12
    assert attended[Profession.NURSE] == 30
    assert report.total["attended"].text == "45"


@pytest.mark.django_db
def test_reports_never_contain_feedback_comments_or_people():
    session = GroupSessionFactory(starts_at=datetime(2026, 4, 14, 12, tzinfo=LONDON),
                                  ends_at=datetime(2026, 4, 14, 13, tzinfo=LONDON))
    booking = BookingFactory(session=session, attendance=Booking.Attendance.ATTENDED)
    FeedbackFactory(session=session, comment="A very private remark")
    text = repr(build_report(period=SPRING, now=NOW))
    for secret in ("A very private remark", booking.user.email, booking.user.display_name, session.group.title):
        assert secret not in text


# --- a property over random data in the database ----------------------------

booking_specs = st.lists(
    st.tuples(
        st.integers(0, 11),  # person
        st.sampled_from([Format.BALINT, Format.SCHWARTZ, Format.WEBINAR]),
        st.integers(4, 6),  # month
        st.sampled_from(["attended", "no_show", "unknown", "waitlisted", "cancelled"]),
    ),
    max_size=40,
)


def _build(specs, feedback_scores):
    people = {}
    sessions = {}
    for person, group_format, month, outcome in specs:
        if person not in people:
            people[person] = ParticipantFactory(profession=list(Profession)[person % 4],
                                                region=list(Region)[person % 3])
        key = (group_format, month)
        if key not in sessions:
            start = datetime(2026, month, 1, 0, 30, tzinfo=LONDON)
            sessions[key] = GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1),
                                                group__format=group_format)
        if Booking.objects.filter(user=people[person], session=sessions[key]).exists():
            continue
        status = outcome if outcome in ("waitlisted", "cancelled") else "confirmed"
        attendance = outcome if status == "confirmed" else "unknown"
        BookingFactory(user=people[person], session=sessions[key], status=status, attendance=attendance)
    for i, score in enumerate(feedback_scores):
        if sessions:
            FeedbackFactory(session=list(sessions.values())[i % len(sessions)], helpfulness=score)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(booking_specs, st.lists(st.integers(1, 5), max_size=20))
def test_any_data_gives_a_publishable_report(specs, feedback_scores):
    with transaction.atomic():
        _build(specs, feedback_scores)
        assert_publishable(build_report(period=SPRING, now=NOW))
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("bookings", [1, 50])
def test_the_report_takes_the_same_queries_whatever_the_data_size(django_assert_num_queries, bookings):
    start = datetime(2026, 5, 14, 12, tzinfo=LONDON)
    session = GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    BookingFactory.create_batch(bookings, session=session, attendance=Booking.Attendance.ATTENDED)
    FeedbackFactory.create_batch(bookings, session=session)
    build_report(period=SPRING, now=NOW)  # the rollups catch up with the new rows
    with django_assert_num_queries(report_queries()):
        build_report(period=SPRING, now=NOW)


@pytest.mark.django_db
def test_a_profession_no_longer_offered_counts_as_not_stated_so_rows_add_up():
    start = datetime(2026, 4, 14, 12, tzinfo=LONDON)
    session = GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    for profession in ["retired_value"] * 6 + [""] * 4 + [Profession.NURSE] * 20:
        BookingFactory(session=session, attendance=Booking.Attendance.ATTENDED,
                       user=ParticipantFactory(profession=profession))
    table = build_report(period=SPRING, now=NOW).table("profession")
    participants = {row.key: row.value("participants") for row in table.rows}
    assert participants[""] == 10
    assert participants[Profession.NURSE] == 20
    assert participants["all"] == 30
