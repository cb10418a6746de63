"""Figures about sessions (scheduled, held, cancelled) are published exactly:
they say nothing about any person. Counts of people keep their suppression,
and nothing about sessions changes which people-cells are hidden."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.formats import Format
from groups.models import GroupSession
from reports.periods import LONDON, Period, PeriodKind
from reports.report import build_report, report_from_counts
from reports.selectors import ALL
from reports.tests.factories import BookingFactory, GroupSessionFactory
from reports.tests.test_report import assert_publishable
from signups.models import Booking

SPRING = Period(PeriodKind.QUARTER, 2026, 2)
NOW = datetime(2026, 6, 20, tzinfo=UTC)
SESSION_MEASURES = ("sessions_scheduled", "sessions_held", "sessions_cancelled")


def _session(day: int, month: int = 4, **kwargs) -> GroupSession:
    start = datetime(2026, month, day, 12, tzinfo=LONDON)
    return GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), **kwargs)


@pytest.mark.django_db
def test_small_numbers_of_sessions_are_shown_exactly_while_people_stay_hidden():
    held = _session(7, group__format=Format.BALINT)
    _session(14, group=held.group)
    _session(21, group=held.group, status=GroupSession.Status.CANCELLED)
    _session(28, month=6, group=held.group)  # 28 June: still to come on NOW
    BookingFactory.create_batch(3, session=held, attendance=Booking.Attendance.ATTENDED)
    report = build_report(period=SPRING, now=NOW)
    assert_publishable(report)
    balint = next(row for row in report.table("format").rows if row.key == Format.BALINT)
    assert [balint.value(m) for m in SESSION_MEASURES] == [4, 2, 1]
    april = report.table("month").rows[0]
    assert [april.value(m) for m in SESSION_MEASURES] == [3, 2, 1]
    assert [report.total[m].text for m in SESSION_MEASURES] == ["4", "2", "1"]
    assert (balint.value("attended"), report.total["participants"].text) == (None, "*")


@pytest.mark.django_db
def test_a_quarter_with_only_cancelled_sessions_says_so():
    _session(7, status=GroupSession.Status.CANCELLED)
    total = build_report(period=SPRING, now=NOW).total
    assert [total[m].text for m in SESSION_MEASURES] == ["1", "0", "1"]


# --- properties over raw figures -------------------------------------------

FORMATS = [value for value, _label in Format.choices][:3]
MONTHS = SPRING.months()
small = st.one_of(st.integers(0, 9), st.integers(0, 40))


@st.composite
def raw_figures(draw):
    """Raw figures as the selectors give them: per format and month, then the
    rows and the whole period as their sums (participants as attended, so the
    sums hold exactly)."""
    cells = {(f, m): {"attended": draw(small), "no_show": draw(small), "not_recorded": draw(small),
                      "sessions_held": draw(st.integers(0, 9)), "sessions_cancelled": draw(st.integers(0, 4))}
             for f in FORMATS for m in MONTHS}
    raw: dict[tuple, int] = {}
    for (f, m), figures in cells.items():
        figures = {**figures, "places_booked": figures["attended"] + figures["no_show"] + figures["not_recorded"],
                   "sessions_scheduled": figures["sessions_held"] + figures["sessions_cancelled"]}
        figures |= {"participants": figures["attended"], "new": figures["attended"]}
        for key in ((ALL, ALL), ("format", f), ("month", m)):
            for measure, value in figures.items():
                raw[(*key, measure)] = raw.get((*key, measure), 0) + value
    return raw


def _people_cells(report) -> dict:
    return {(table.slug, row.label, cell.measure.slug): cell.text
            for table in report.tables for row in table.rows for cell in row.cells
            if cell.measure.kind != "sessions"}


@settings(max_examples=80, deadline=None)
@given(raw_figures())
def test_session_figures_are_the_truth_and_never_hidden(raw):
    report = report_from_counts(raw=raw, period=SPRING)
    assert_publishable(report)
    for slug, dimension in (("format", "format"), ("month", "month")):
        for row in report.table(slug).rows:
            key = (ALL, ALL) if row.is_total else (dimension, row.key)
            for measure in SESSION_MEASURES:
                assert row.value(measure) == raw.get((*key, measure), 0)


@settings(max_examples=60, deadline=None)
@given(raw_figures(), st.integers(0, 50), st.integers(0, 50))
def test_which_people_figures_are_hidden_does_not_depend_on_sessions(raw, held, cancelled):
    """Sessions take no part in suppression, so no shown session figure can
    be subtracted from a total to isolate a hidden count of people."""
    changed = dict(raw)
    for key in [k for k in raw if k[2] in SESSION_MEASURES]:
        changed[key] = {"sessions_held": held, "sessions_cancelled": cancelled}.get(key[2], held + cancelled)
    assert _people_cells(report_from_counts(raw=raw, period=SPRING)) == _people_cells(
        report_from_counts(raw=changed, period=SPRING))

