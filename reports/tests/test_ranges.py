"""The exact rule's solver (`reports.ranges`) against the attacker's
(`reports.tests.intervals`), and what propagation alone misses."""

import pytest
from hypothesis import given, settings

from reports import intervals, ranges
from reports.tests.intervals import System
from reports.tests.intervals import ranges as exact_ranges
from reports.tests.test_intervals import tables


def _sum(total, *parts):
    return {total: 1} | dict.fromkeys(parts, -1)


def test_lines_together_bound_a_cell_more_tightly_than_each_alone():
    # t = x + y, u = y + z, w = x + z, the totals shown as 10 (8 to 12), x, y
    # and z hidden: each line alone lets y be up to 11, but together
    # y = (t + u - w) / 2 is at most 8.
    cells = ["x", "y", "z", "t", "u", "w"]
    number = {cell: n for n, cell in enumerate(cells)}
    equations = [_sum("t", "x", "y"), _sum("u", "y", "z"), _sum("w", "x", "z")]
    bounds = {"x": (1, None), "y": (1, None), "z": (1, None), "t": (8, 12), "u": (8, 12), "w": (8, 12)}
    numbered = [ranges.Constraint({number[c]: k for c, k in eq.items()}) for eq in equations]
    assert intervals.propagate(equations, bounds)["y"] == (1, 11)
    system = System(bounds=dict(bounds))
    for equation in equations:
        system.equal(equation)
    assert exact_ranges(system, ["y"])["y"] == (2, 8)
    listed = [bounds[c] for c in cells]
    assert ranges.too_narrow(numbered, listed, [number["y"]], {}, 9) == {number["y"]: [3, 4, 5]}
    assert ranges.too_narrow(numbered, listed, [number["y"]], {}, 8) == {}


def test_the_cells_that_hold_a_small_count_down_are_named():
    # 10 shown (8 to 12) = 10 shown (at least 8) + x + y, both hidden: x is at
    # most 3, held there by the bounds of the total, the shown part and the other.
    bounds = [(8, 12), (8, 12), (1, None), (1, None)]
    found = ranges.too_narrow([ranges.Constraint({0: 1, 1: -1, 2: -1, 3: -1})], bounds, [2, 3], {}, 8)
    assert found == {2: [0, 1, 3], 3: [0, 1, 2]}  # the other hidden part at its least too


def test_a_system_with_no_solution_says_so():
    # 2x = 2y + 1 has no whole solution, and x = y + 1/2 breaks x's bound
    bounds = [(0, 0), (0, 0), (1, 1)]
    with pytest.raises(ranges.NoSolution):
        ranges.too_narrow([ranges.Constraint({0: 2, 1: -2, 2: -1})], bounds, [0], {}, 4)


def test_whole_numbers_can_stop_what_the_relaxation_allows():
    # 2x = 2y + z with z = 1: x = y + 1/2, a relaxation's solution but no
    # whole one, so x is short of any goal in whole numbers only
    bounds = [(0, 5), (0, 5), (1, 1), (1, None)]
    constraints = [ranges.Constraint({0: 2, 1: -2, 2: -1}), ranges.Constraint({3: 1, 0: -1}, 0, None)]
    assert ranges.too_narrow(constraints, bounds, [3], {}, 4) == {3: []}


def test_a_value_no_solution_moves_is_found():
    # t = x + y with t shown exactly 4 (bounds 4 to 4) and y known 0: x is 4.
    bounds = [(4, 4), (1, None), (0, 0)]
    found = ranges.too_narrow([ranges.Constraint({0: 1, 1: -1, 2: -1})], bounds, [], {1: 4}, 8)
    assert 1 in found


@settings(max_examples=100, deadline=None)
@given(tables())
def test_it_agrees_with_the_attackers_integer_programme(table):
    truth, equations, bounds = table
    cells = list(truth)
    number = {cell: n for n, cell in enumerate(cells)}
    constraints = [ranges.Constraint({number[c]: k for c, k in eq.items()}) for eq in equations]
    system = System(bounds=dict(bounds))
    for equation in equations:
        system.equal(equation)
    hidden = [cell for cell in cells if bounds[cell] == (1, None)]
    exact = exact_ranges(system, hidden, [truth])
    small = [number[cell] for cell in hidden if truth[cell] < 8]
    values = {number[cell]: truth[cell] for cell in hidden if truth[cell] >= 8}
    found = ranges.too_narrow(constraints, [bounds[cell] for cell in cells], small, values, 8)
    expected = {number[cell] for cell in hidden if (truth[cell] < 8 and exact[cell][1] is not None
                                                   and exact[cell][1] < 8) or exact[cell][0] == exact[cell][1]}
    assert set(found) == expected
