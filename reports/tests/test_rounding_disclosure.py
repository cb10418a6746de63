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
hidden count can take at least two values, and a hidden count of 1 to 7 can
for all a reader can tell be 8 or more (its greatest value is at least the
smallest count a report shows), so a `*` never tells a reader more than
"somewhere from 1 to at least 8" about a small count."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.report import NOT_AVAILABLE, ROW_SUMS, Report, report_from_counts
from reports.selectors import ALL
from reports.suppression import SMALLEST_SHOWN, Group, suppress
from reports.tests.intervals import System, ranges
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


def unprotected(raw: dict, period) -> dict[tuple, tuple]:
    """Each hidden count a reader narrows too far, with its true value and range."""
    found, truth, _shown = hidden_ranges(raw, period)
    bad = {}
    for key, (low, high) in found.items():
        assert high is None or low <= truth[key] <= high, "the solver must find the truth"
        if low == high or (truth[key] < SMALLEST_SHOWN and high is not None and high < SMALLEST_SHOWN):
            bad[key] = (truth[key], low, high)
    return bad


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([QUARTER, YEAR]).flatmap(lambda period: st.tuples(st.just(period), raw_report(period))))
def test_no_hidden_count_of_a_report_is_narrowed_by_the_rounding_of_what_is_shown(period_and_raw):
    period, raw = period_and_raw
    assert unprotected(raw, period) == {}


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
