"""Attack a whole report with the rounding ranges of every shown figure.

`test_disclosure` solves the report's equations with the shown figures taken
as exact. A reader knows less, and more: a shown 10 is only 8 to 12, but
every hidden count is at least 1, and the ranges of every figure combine
across tables. Here every count of the report is an integer unknown with the
bounds its published figure allows, tied by every total-equals-its-parts of
every table and by each shown mean, and each hidden count's least and
greatest value over all the solutions is found exactly
(`reports.tests.intervals`).

What suppression must leave (docs/reports.md, "What is guaranteed"): every
hidden count can take at least two values (checked exactly), and a hidden
count of 1 to 7 can be 8 or more as far as interval propagation over the
ranges can tell (checked with this attacker's own propagation). Exactly,
the lines together can still leave a small count below 8 (about one random
report in 50): a known gap, pinned by a strict xfail test."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.report import NOT_AVAILABLE, ROW_SUMS, Report, report_from_counts
from reports.selectors import ALL
from reports.suppression import SMALLEST_SHOWN, Group, suppress
from reports.tests.intervals import System, propagate, ranges
from reports.tests.test_disclosure import QUARTER, YEAR, published_cells, raw_report

SCORES = ROW_SUMS["responses"]


def bounds_of(value) -> tuple[int, int | None]:
    """What a reader knows of a count from its published figure."""
    if value is None:
        return 1, None
    if value == NOT_AVAILABLE:
        return 0, None
    if value == 0:
        return 0, 0
    return max(SMALLEST_SHOWN, value - 2), value + 2


def reader_system(report: Report) -> System:
    """Every count of the report with its published bounds, every
    total-equals-its-parts, and each shown mean (a mean shown as 4.6 is a true
    mean in [4.55, 4.65): 20 * ratings is at least 91 and under 93 times the
    responses)."""
    shown = published_cells(report)
    system = System()
    for table in report.tables:
        dimension = table.slug.removeprefix("feedback_")
        slugs = [m.slug for m in table.measures]
        parts = [row.key for row in table.rows if not row.is_total]
        for measure in table.measures:
            if measure.kind != "count":
                continue
            for row in [(dimension, key) for key in parts] + [(ALL, ALL)]:
                system.bounds[(*row, measure.slug)] = bounds_of(shown[(*row, measure.slug)])
            system.equal({(ALL, ALL, measure.slug): 1} | {(dimension, row, measure.slug): -1 for row in parts})
        for row in [(dimension, key) for key in parts] + [(ALL, ALL)]:
            for total, summed in ROW_SUMS.items():
                if total in slugs:
                    system.equal({(*row, total): 1} | {(*row, part): -1 for part in summed})
            mean = shown.get((*row, "mean"))
            if isinstance(mean, Decimal):
                tenths = int(mean * 20)
                ratings = {(*row, score): 20 * (n + 1) for n, score in enumerate(SCORES)}
                system.between(ratings | {(*row, "responses"): -(tenths - 1)}, 0, None)
                system.between(ratings | {(*row, "responses"): -(tenths + 1)}, None, -1)
    return system


def true_counts(raw: dict, system: System) -> dict[tuple, int]:
    return {key: int(raw.get(key) or 0) for key in system.bounds}


def hidden_ranges(raw: dict, period) -> tuple[dict, dict, dict]:
    report = report_from_counts(raw=raw, period=period)
    shown = published_cells(report)
    system = reader_system(report)
    truth = true_counts(raw, system)
    hidden = [key for key in system.bounds if shown[key] is None]
    return ranges(system, hidden, [truth]), truth, shown


def too_narrow(truth: int, low: int, high: int | None) -> bool:
    """Pinned to one value, or a count of 1 to 7 that cannot be 8 or more."""
    return low == high or (truth < SMALLEST_SHOWN and high is not None and high < SMALLEST_SHOWN)


def unprotected(raw: dict, period) -> dict[tuple, tuple]:
    """Each hidden count a reader narrows too far, with its true value and
    exact range."""
    found, truth, _shown = hidden_ranges(raw, period)
    for key, (low, high) in found.items():
        assert high is None or low <= truth[key] <= high, "the solver must find the truth"
    return {key: (truth[key], low, high) for key, (low, high) in found.items() if too_narrow(truth[key], low, high)}


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([QUARTER, YEAR]).flatmap(lambda period: st.tuples(st.just(period), raw_report(period))))
def test_no_hidden_count_of_a_report_is_pinned_or_left_below_eight_by_the_ranges(period_and_raw):
    """Exactly, no hidden count is pinned; and by the attacker's own interval
    propagation (what the rule promises: docs/reports.md), no small count is
    left below 8. The exact ranges of small counts can be narrower still
    (the test below)."""
    period, raw = period_and_raw
    found, truth, shown = hidden_ranges(raw, period)
    assert {key for key, (low, high) in found.items() if low == high} == set()
    outer = propagate(reader_system(report_from_counts(raw=raw, period=period)))
    assert {key for key in found if too_narrow(truth[key], *outer[key])} == set()


def feedback_quarter(months: dict[date, list[int]]) -> dict[tuple, int | float | None]:
    """Raw figures of a quarter whose only figures are reflective practice's feedback."""
    raw: dict[tuple, int | float | None] = {}
    total = [sum(scores[n] for scores in months.values()) for n in range(5)]
    for key, scores in [*((("month", month), scores) for month, scores in months.items()),
                        (("format", "reflective"), total), ((ALL, ALL), total)]:
        raw[(*key, "responses")] = sum(scores)
        raw[(*key, "mean")] = sum((n + 1) * c for n, c in enumerate(scores)) / sum(scores)
        raw |= {(*key, score): count for score, count in zip(SCORES, scores, strict=True)}
    return raw


@pytest.mark.xfail(strict=True, reason="a known gap: propagation misses what the lines give together")
def test_the_exact_ranges_can_leave_a_small_count_below_eight():
    # Found by the exact attack (about 1 random report in 50): June's 5
    # "rated 1" and 2 "rated 2" and the quarter's 2 "rated 2" are hidden;
    # propagation lets each be up to 18, but all the lines at once allow at
    # most 7.
    raw = feedback_quarter({date(2026, 4, 1): [2, 0, 0, 21, 0], date(2026, 5, 1): [0, 0, 9, 0, 5],
                            date(2026, 6, 1): [5, 2, 5, 0, 8]})
    assert unprotected(raw, QUARTER) == {}


def test_a_small_count_hidden_with_another_can_always_be_eight_or_more():
    # places 11 shown as 10 (8 to 12), not recorded 8 shown as 10 (at least
    # 8): attended 2 and no-show 1, hidden together, would be 1 to 3 each.
    counts = {"places": 11, "attended": 2, "no_show": 1, "not_recorded": 8}
    groups = [Group("places", ("attended", "no_show", "not_recorded"))]
    shown = suppress(counts, groups)
    system = System(bounds={key: bounds_of(value) for key, value in shown.items()})
    system.equal({"places": 1, "attended": -1, "no_show": -1, "not_recorded": -1})
    found = ranges(system, [key for key, value in shown.items() if value is None], [counts])
    assert shown["not_recorded"] is None
    assert all(high is None or high >= SMALLEST_SHOWN for _low, high in found.values()), found
