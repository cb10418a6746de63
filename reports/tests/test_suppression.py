"""The NHS Digital suppression rules, and properties over random tables."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.suppression import (
    NOT_APPLICABLE,
    Group,
    display,
    mean_or_none,
    percentage,
    round_count,
    suppress,
)
from reports.tests import solver


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "*"), (7, "*"), (8, "10"), (12, "10"), (13, "15"), (17, "15"), (18, "20"), (100, "100")],
)
def test_it_keeps_zero_hides_one_to_seven_and_rounds_the_rest(count, shown):
    assert display(suppress({"cell": count})["cell"]) == shown


def test_rounding_refuses_negative_counts():
    with pytest.raises(ValueError, match="never negative"):
        round_count(-1)


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it():
    counts = {"a": 3, "b": 40, "c": 12, "d": 0, "total": 55}
    shown = suppress(counts, [Group("total", ("a", "b", "c", "d"))])
    assert shown == {"a": None, "b": 40, "c": None, "d": 0, "total": 55}


def test_the_total_is_hidden_when_every_other_part_is_zero():
    # Not a plain sum (people counted once in the total, once per part), as
    # reports treat such totals conservatively.
    counts = {"a": 3, "b": 0, "total": 9}
    assert suppress(counts, [Group("total", ("a", "b"))]) == {"a": None, "b": 0, "total": None}


def test_a_total_hidden_by_one_group_is_protected_where_it_is_a_part():
    counts = {"a": 3, "b": 0, "total": 9, "other": 40, "grand": 49}
    groups = [Group("total", ("a", "b")), Group("grand", ("total", "other"))]
    shown = suppress(counts, groups)
    assert shown["total"] is None
    assert shown["other"] is None
    assert shown["grand"] == 50


def test_a_hidden_total_whose_parts_are_all_shown_loses_one_of_them():
    # the total is hidden to protect "other" in the grand total; its own
    # parts would otherwise add up to it (the exactly-one rule alone missed this)
    counts = {"a": 20, "b": 30, "total": 50, "other": 3, "grand": 53}
    groups = [Group("total", ("a", "b")), Group("grand", ("total", "other"))]
    shown = suppress(counts, groups)
    assert shown == {"a": None, "b": 30, "total": None, "other": None, "grand": 55}


def test_a_cell_linking_two_squares_of_hidden_cells_is_protected():
    # Every row and column has two or three small (hidden) counts, so the
    # exactly-one rule changes nothing, yet x, the only link between the two
    # squares, follows from them: the square a b / c d balances its own rows
    # and columns, so row 2 gives c + d + x and x is the rest.
    #   a  b  .  .
    #   c  d  x  .
    #   .  .  e  f
    #   .  .  g  h
    grid = [["a", "b", "p", "q"], ["c", "d", "x", "s"], ["t", "u", "e", "f"], ["v", "w", "g", "h"]]
    counts = dict.fromkeys("abcdxefgh", 3) | dict.fromkeys("pqstuvw", 40)
    groups = [Group(f"row{r}", tuple(row)) for r, row in enumerate(grid)]
    groups += [Group(f"col{c}", tuple(row[c] for row in grid)) for c in range(4)]
    for group in groups:
        counts[group.total] = sum(counts[part] for part in group.parts)
    equations = [_equation(group) for group in groups]
    assert "x" in solver.pinned_down("abcdxefgh", equations)
    hidden = {key for key, value in suppress(counts, groups).items() if value is None}
    assert hidden > set("abcdxefgh")
    assert solver.pinned_down(hidden, equations) == set()


def test_it_ignores_a_part_listed_twice():
    assert suppress({"a": 3, "t": 10}, [Group("t", ("a", "a"))])["t"] is None


def test_percentages_come_from_rounded_figures_and_never_from_hidden_ones():
    assert percentage(10, 15) == 67
    assert percentage(None, 15) is None
    assert percentage(10, None) is None
    assert percentage(0, 0) == NOT_APPLICABLE
    assert display(percentage(5, 10), percent=True) == "50%"


def test_a_mean_needs_eight_people_whose_count_is_shown():
    assert mean_or_none(4.26, 8, 10) == Decimal("4.3")
    assert mean_or_none(4.26, 7, None) is None
    assert mean_or_none(4.26, 9, None) is None  # count hidden by secondary suppression
    assert mean_or_none(None, 0, 0) is None


# --- Properties over random tables -------------------------------------------

small_counts = st.one_of(st.integers(0, 9), st.integers(0, 60))


@st.composite
def tables(draw):
    """A table of counts with row totals, column totals and a grand total, and
    the groups that tie them together (as a report declares them)."""
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    counts = {(r, c): draw(small_counts) for r in range(n_rows) for c in range(n_cols)}
    for r in range(n_rows):
        counts[(r, "total")] = sum(counts[(r, c)] for c in range(n_cols))
    for c in [*range(n_cols), "total"]:
        counts[("total", c)] = sum(counts[(r, c)] for r in range(n_rows))
    groups = [Group((r, "total"), tuple((r, c) for c in range(n_cols))) for r in [*range(n_rows), "total"]]
    groups += [Group(("total", c), tuple((r, c) for r in range(n_rows))) for c in [*range(n_cols), "total"]]
    return counts, groups


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_published_count_is_small_or_unrounded(table):
    counts, groups = table
    for value in suppress(counts, groups).values():
        assert value is None or (value == 0 or value >= 10) and value % 5 == 0


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_shown_total_isolates_a_single_suppressed_part(table):
    counts, groups = table
    shown = suppress(counts, groups)
    for group in groups:
        hidden = sum(shown[part] is None for part in group.parts)
        assert shown[group.total] is None or hidden != 1


@settings(max_examples=200, deadline=None)
@given(tables())
def test_zero_stays_zero_and_small_counts_are_always_hidden(table):
    counts, groups = table
    shown = suppress(counts, groups)
    for key, count in counts.items():
        if 1 <= count <= 7:
            assert shown[key] is None
    assert all(shown[key] in (0, None) for key, count in counts.items() if count == 0)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_percentages_are_never_derived_from_a_suppressed_denominator(table):
    counts, groups = table
    shown = suppress(counts, groups)
    for numerator in counts:
        for denominator in counts:
            rate = percentage(shown[numerator], shown[denominator])
            if shown[denominator] is None or shown[numerator] is None:
                assert rate is None


def _equation(group: Group) -> dict:
    return {group.total: 1} | {part: -1 for part in group.parts}


@st.composite
def two_tables(draw):
    """Two tables of the same columns whose total row is one set of cells
    (as a report's breakdowns share the whole-period row)."""
    counts, groups = draw(tables())
    n_cols = sum(1 for key in counts if key[0] == "total") - 1
    n_rows = draw(st.integers(1, 5))
    for c in range(n_cols):
        left = counts[("total", c)]
        for r in range(n_rows):
            part = left if r == n_rows - 1 else draw(st.integers(0, left))
            counts[("b", r, c)] = part
            left -= part
    for r in range(n_rows):
        counts[("b", r, "total")] = sum(counts[("b", r, c)] for c in range(n_cols))
    groups += [Group(("b", r, "total"), tuple(("b", r, c) for c in range(n_cols))) for r in range(n_rows)]
    groups += [Group(("total", c), tuple(("b", r, c) for r in range(n_rows))) for c in [*range(n_cols), "total"]]
    return counts, groups


@settings(max_examples=300, deadline=None)
@given(st.one_of(tables(), two_tables()))
def test_no_hidden_count_follows_from_the_equations(table):
    counts, groups = table
    hidden = [key for key, value in suppress(counts, groups).items() if value is None]
    assert solver.pinned_down(hidden, [_equation(group) for group in groups]) == set()
