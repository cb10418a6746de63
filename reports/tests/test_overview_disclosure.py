"""Attack the installation overview, and check that each programme's row is
its own report's headline whatever its history.

Attack: take everything it shows and every
equation an attacker knows (each programme's places = attended + did not
attend + not recorded, participants = new + returning, responses = the five
ratings; each installation total = the sum of the programmes'; a shown mean
or rate ties its counts), and solve for the hidden cells. No hidden cell may
be pinned down.

The attacker is given more than the truth: shown figures are taken as exact
(not rounded), and distinct people as if they added up across programmes
(they don't: someone in two programmes counts once in the total). A hidden
cell is pinned down exactly when its unit vector lies in the span of the
equations' coefficients over the hidden cells (the shown values only move
the right-hand sides), checked by exact Gaussian elimination."""

from collections.abc import Hashable, Sequence
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.choices import CareerStage, Profession, Region
from groups.formats import Format
from programmes.tests.factories import ProgrammeFactory
from reports.overview import COUNTED, build_overview, overview_from_counts
from reports.periods import LONDON, Period, PeriodKind
from reports.report import NOT_AVAILABLE, PEOPLE, RATES, ROW_SUMS, Report, build_report, report_from_counts
from reports.selectors import ALL
from reports.suppression import NOT_APPLICABLE
from reports.tests import solver
from reports.tests.factories import BookingFactory, FeedbackFactory, GroupSessionFactory, ParticipantFactory
from signups.models import Booking

APRIL = Period(PeriodKind.MONTH, 2026, 4)
SCORES = ROW_SUMS["responses"]
small = st.one_of(st.integers(0, 9), st.integers(0, 40))  # mostly near the threshold


@st.composite
def programme_figures(draw) -> dict[str, int | float | None]:
    attended, no_show, not_recorded = draw(small), draw(small), draw(small)
    participants = draw(st.integers(min(attended, 1), attended)) if attended else 0
    new = draw(st.integers(0, participants))
    scores = [draw(small) for _ in SCORES]
    responses = sum(scores)
    figures = {
        "sessions_held": draw(st.integers(0, 6)), "places_booked": attended + no_show + not_recorded,
        "attended": attended, "no_show": no_show, "not_recorded": not_recorded, "participants": participants,
        "new": new, "returning": participants - new, "waited": draw(small), "responses": responses,
        "mean": sum((n + 1) * c for n, c in enumerate(scores)) / responses if responses else None,
        "summarised": draw(st.sampled_from([0, 0, 0, 0, 1])),  # details deleted after retention
    }
    return figures | dict(zip(SCORES, scores, strict=True))


def raw(figures: dict) -> dict[tuple, int | float | None]:
    return {(ALL, ALL, measure): value for measure, value in figures.items()}


def installation(programmes: list[dict]) -> dict[str, int | float | None]:
    total = {m: sum(p[m] for p in programmes) for m in programmes[0] if m != "mean"}
    ratings = sum((n + 1) * total[score] for n, score in enumerate(SCORES))
    return total | {"mean": ratings / total["responses"] if total["responses"] else None}


def published(programmes: list[dict]) -> dict[tuple[int, str], object]:
    """{(column, measure): value as published}; the installation is column -1."""
    keys = list(range(len(programmes)))
    report = overview_from_counts(programmes=[(k, f"Programme {k}") for k in keys],
                                  raws={k: raw(p) for k, p in zip(keys, programmes, strict=True)},
                                  total=raw(installation(programmes)), period=APRIL)
    return shown_cells(report, keys)


def shown_cells(overview: Report, keys: Sequence[Hashable]) -> dict[tuple[int, str], object]:
    """{(column, measure): value} of an overview whose rows are `keys`; the installation is column -1."""
    return {(-1 if row.is_total else keys.index(row.key), cell.measure.slug): cell.value
            for table in overview.tables for row in table.rows for cell in row.cells}


def equations(shown: dict[tuple[int, str], object], columns: int) -> list[dict[tuple[int, str], Fraction]]:
    """Each known linear relation, as coefficients (shown cells included)."""
    eqs = []
    everyone = [*range(columns), -1]
    for column in everyone:
        for total, parts in ROW_SUMS.items():
            eqs.append({(column, total): Fraction(1)} | {(column, p): Fraction(-1) for p in parts})
        mean = shown[(column, "mean")]
        if mean is not None and mean != NOT_APPLICABLE:
            eqs.append({(column, s): Fraction(n + 1) for n, s in enumerate(SCORES)}
                       | {(column, "responses"): -Fraction(mean)})
        for rate, (numerator, denominator) in RATES.items():
            value = shown[(column, rate)]
            if isinstance(value, int):
                eqs.append({(column, numerator): Fraction(100), (column, denominator): -Fraction(value)})
    for measure in COUNTED:
        eqs.append({(-1, measure): Fraction(1)} | {(c, measure): Fraction(-1) for c in range(columns)})
    return eqs


def pinned_down(shown: dict[tuple[int, str], object], columns: int) -> set[tuple[int, str]]:
    """The hidden count cells that the equations determine."""
    hidden = [key for key in shown if key[1] in COUNTED and (shown[key] is None or shown[key] == NOT_AVAILABLE)]
    return solver.pinned_down(hidden, equations(shown, columns))


@settings(max_examples=300, deadline=None)
@given(st.lists(programme_figures(), min_size=1, max_size=5))
def test_no_hidden_figure_can_be_solved_from_the_overview(programmes):
    shown = published(programmes)
    assert pinned_down(shown, len(programmes)) == set()


@settings(max_examples=100, deadline=None)
@given(st.lists(programme_figures(), min_size=1, max_size=4))
def test_each_programmes_row_is_its_reports_headline(programmes):
    shown = published(programmes)
    for column, figures in enumerate(programmes):
        own = report_from_counts(raw=raw(figures), period=APRIL).total
        assert {m: v for (c, m), v in shown.items() if c == column} == {m: own[m].value for m in own
                                                                       if (column, m) in shown}


def _shown_if_exactly_one_rule(programmes: list[dict]) -> dict[tuple[int, str], object]:
    """The overview as it would be if a total were hidden only when exactly
    one programme's figure is (the rule for a report's own rows)."""
    shown = published(programmes)
    for measure in COUNTED:
        hidden = [c for c in range(len(programmes)) if shown[(c, measure)] is None]
        if len(hidden) != 1:
            shown[(-1, measure)] = installation(programmes)[measure]
    return shown


def test_the_exactly_one_rule_would_let_a_figure_be_solved():
    """Four programmes, no total with exactly one hidden programme, yet the
    first programme's "not recorded" follows from the totals and rows: the
    reason an installation total is hidden whenever any programme's is."""
    base = dict.fromkeys([*COUNTED, "sessions_held", "summarised"], 0) | {"mean": None}
    first = base | {"attended": 3, "no_show": 2, "not_recorded": 4, "places_booked": 9}
    second = base | {"attended": 2, "no_show": 5, "not_recorded": 10, "places_booked": 17}
    third = base | {"not_recorded": 5, "places_booked": 5}
    programmes = [first, second, third, dict(third)]
    assert published(programmes)[(0, "not_recorded")] is None
    assert (0, "not_recorded") in pinned_down(_shown_if_exactly_one_rule(programmes), 4)
    assert pinned_down(published(programmes), 4) == set()


def test_given_a_programmes_breakdowns_its_row_is_its_full_reports_headline():
    """A report can hide a headline figure because of a breakdown: here all
    attendances are in one format, whose attendances were hidden with its 3
    no-shows, so "All formats" attendances is hidden too, though the whole
    period's own row would show it. With the programme's breakdowns (what
    `report.raw_counts_by_programme` gives), the overview's row follows;
    from the whole-period figures alone it cannot."""
    from datetime import date

    from groups.formats import Format

    quarter = Period(PeriodKind.QUARTER, 2026, 2)
    first, second = Format.values[0], Format.values[1]

    def row(attended, no_show):
        return {"places_booked": attended + no_show, "attended": attended, "no_show": no_show, "not_recorded": 0,
                "participants": attended, "new": attended, "returning": 0, "waited": 0, "sessions_held": 1}

    full: dict[tuple, int | float | None] = {}
    for dimension, key, figures in (("format", first, row(10, 3)), ("format", second, row(0, 8)),
                                    ("month", date(2026, 4, 1), row(10, 3)), ("month", date(2026, 5, 1), row(0, 8)),
                                    (ALL, ALL, row(10, 11) | {"sessions_held": 2})):
        full |= {(dimension, key, m): v for m, v in figures.items()}
    whole_period = {key: value for key, value in full.items() if key[0] == ALL}
    headline = report_from_counts(raw=full, period=quarter).total
    assert headline["attended"].value is None
    assert report_from_counts(raw=whole_period, period=quarter).total["attended"].value == 10
    overview = overview_from_counts(programmes=[(1, "Trust")], raws={1: full}, total=whole_period, period=quarter)
    assert overview.tables[0].rows[0].value("attended") is None


# One held session: (programme, format, London month, first person of the
# pool, attended, did not attend, not recorded, waited without a place, the
# ratings given). March is before the quarter: its people return in it.
QUARTER = Period(PeriodKind.QUARTER, 2025, 2)
POOL = 24
session_history = st.tuples(
    st.integers(0, 2), st.sampled_from([Format.SCHWARTZ, Format.BALINT]), st.sampled_from([3, 4, 5, 6]),
    st.integers(0, POOL - 1), small, st.integers(0, 9), st.integers(0, 3), st.integers(0, 2),
    st.lists(st.integers(1, 5), max_size=10),
)


def _history(sessions: list[tuple]) -> list[int]:
    """Three programmes and the sessions, through the factories; the programmes' ids."""
    programmes = [ProgrammeFactory() for _ in range(3)]
    people = [ParticipantFactory(profession=list(Profession)[i % 3], career_stage=list(CareerStage)[i % 2],
                                 region=list(Region)[i % 4]) for i in range(POOL)]
    outcomes = [("attended", Booking.Attendance.ATTENDED), ("no_show", Booking.Attendance.NO_SHOW),
                ("not_recorded", Booking.Attendance.UNKNOWN)]
    for i, (programme, group_format, month, first, attended, no_show, not_recorded, waited, ratings) in enumerate(
            sessions):
        start = datetime(2025, month, 1 + i, 12, tzinfo=LONDON)
        session = GroupSessionFactory(group__programme=programmes[programme], group__format=group_format,
                                      starts_at=start, ends_at=start + timedelta(hours=1))
        queue = iter(people[first:] + people[:first])
        counts = {"attended": min(attended, 9), "no_show": no_show, "not_recorded": not_recorded}
        for name, attendance in outcomes:
            for _ in range(counts[name]):
                BookingFactory(session=session, user=next(queue), attendance=attendance)
        for _ in range(waited):
            BookingFactory(session=session, user=next(queue), status=Booking.Status.WAITLISTED)
        for rating in ratings:
            FeedbackFactory(session=session, helpfulness=rating)
    return [programme.pk for programme in programmes]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(session_history, min_size=1, max_size=6))
def test_each_programmes_row_is_its_full_reports_headline_whatever_its_history(sessions):
    """On the rollups (PostgreSQL) and the raw rows (SQLite): every
    programme's row shows exactly what its own report's headline shows,
    breakdowns' suppression included, and nothing hidden can be solved from
    the overview as published. Here distinct people do not add up across
    programmes (someone new to a programme can return to the installation),
    so the attacker is given only the true equations: the sums of places
    and feedback across programmes, each row's sums, shown rates and means."""
    with transaction.atomic():
        programmes = _history(sessions)
        now = timezone.now()
        overview = build_overview(period=QUARTER, now=now)
        keys = [row.key for row in overview.tables[0].rows if not row.is_total]
        shown = shown_cells(overview, keys)
        for pk in programmes:
            own = build_report(period=QUARTER, now=now, programmes=[pk]).total
            column = keys.index(pk)
            assert {m: v for (c, m), v in shown.items() if c == column} == {m: own[m].value for m in own
                                                                           if (column, m) in shown}, pk
        hidden = [key for key in shown if key[1] in COUNTED and shown[key] in (None, NOT_AVAILABLE)]
        true = [eq for eq in equations(shown, len(keys))
                if len({c for c, _m in eq}) == 1 or not {m for _c, m in eq} & set(PEOPLE)]
        assert solver.pinned_down(hidden, true) == set()
        transaction.set_rollback(True)
