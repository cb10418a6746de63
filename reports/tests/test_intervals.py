"""Interval propagation (`reports.intervals`) and the exact attacker's
solver (`reports.tests.intervals`) it is checked against."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import intervals
from reports.tests.intervals import System, ranges


def _sum(total, *parts):
    return {total: 1} | dict.fromkeys(parts, -1)


def test_a_shown_total_and_part_leave_two_hidden_parts_little_room():
    # 10 shown (8 to 12) = 10 shown (at least 8) + two hidden parts of at least 1
    bounds = {"t": (8, 12), "a": (8, 12), "x": (1, None), "y": (1, None)}
    assert intervals.propagate([_sum("t", "a", "x", "y")], bounds)["x"] == (1, 3)


def test_bounds_travel_across_equations():
    # x is bounded only through y, which its own column bounds
    equations = [_sum("t", "x", "y"), _sum("u", "y", "b")]
    bounds = {"t": (1, None), "x": (1, None), "y": (1, None), "u": (8, 12), "b": (8, 12)}
    assert intervals.propagate(equations, bounds)["y"] == (1, 4)
    assert intervals.propagate(equations, bounds)["t"] == (2, None)


def test_an_equation_that_does_not_hold_narrows_nothing():
    # a total that is not a plain sum (people counted once over two formats)
    bounds = {"t": (8, 12), "a": (8, 12), "b": (8, 12)}
    assert intervals.propagate([_sum("t", "a", "b")], bounds) == bounds


def test_the_exact_solver_combines_equations():
    # x + y = 3 and x - y = 1 pin x to 2 and y to 1
    system = System(bounds={"x": (0, 3), "y": (0, 3)})
    system.equal({"x": 1, "y": 1}, 3)
    system.equal({"x": 1, "y": -1}, 1)
    assert ranges(system, ["x", "y"]) == {"x": (2, 2), "y": (1, 1)}


def test_the_exact_solver_works_in_whole_numbers():
    # 2x = 2y + 1 has rational solutions only
    system = System(bounds={"x": (0, 5), "y": (0, 5), "z": (0, 9)})
    system.equal({"x": 2, "y": -2, "z": -1})
    system.between({"z": 1}, 1, 1)
    with pytest.raises(ValueError, match="no"):
        ranges(system, ["x"])


@st.composite
def tables(draw):
    """A random table: cells with true counts, some shown rounded, some hidden,
    tied by row and column sums (totals are cells too)."""
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    inner = {(r, c): draw(st.integers(0, 14)) for r in range(rows) for c in range(cols)}
    truth = dict(inner)
    equations = []
    for r in range(rows):
        truth[(r, "all")] = sum(inner[(r, c)] for c in range(cols))
        equations.append(_sum((r, "all"), *[(r, c) for c in range(cols)]))
    for c in range(cols):
        truth[("all", c)] = sum(inner[(r, c)] for r in range(rows))
        equations.append(_sum(("all", c), *[(r, c) for r in range(rows)]))
    truth[("all", "all")] = sum(inner.values())
    equations.append(_sum(("all", "all"), *[("all", c) for c in range(cols)]))
    bounds = {}
    for cell, value in truth.items():
        if value and draw(st.booleans()):
            bounds[cell] = (1, None)  # hidden
        elif value == 0:
            bounds[cell] = (0, 0)
        else:
            shown = 5 * ((value + 2) // 5)
            bounds[cell] = (max(8, shown - 2) if value >= 8 else 1, shown + 2 if value >= 8 else None)
    return truth, equations, bounds


@settings(max_examples=100, deadline=None)
@given(tables())
def test_propagated_bounds_hold_every_solution(table):
    truth, equations, bounds = table
    outer = intervals.propagate(equations, bounds)
    system = System(bounds=dict(bounds))
    for equation in equations:
        system.equal(equation)
    for cell, (low, high) in ranges(system, list(truth), [truth]).items():
        assert outer[cell][0] <= low
        assert outer[cell][1] is None or (high is not None and high <= outer[cell][1])
