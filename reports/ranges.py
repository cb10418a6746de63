"""Which hidden cells the whole-number solutions of a table narrow too far,
by linear programming (HiGHS).

Pure functions, no Django. A reader of a published table knows each cell's
bounds (a rounded 10 is 8 to 12, `*` at least 1) and every line of the table
(a total and its parts) at once. `reports.intervals` takes the lines one at a
time, which is cheap but only an outer bound: several lines together can
bound a cell more tightly than each does alone. Here the lines are solved
together, exactly: a small hidden count must have a whole-number solution in
which it is at least `goal`, and every other hidden count a solution in
which it differs from its true value.

Most answers come from a few linear programmes: one that raises every target
at once as far as it needs to go (each capped there) and one that lowers the
larger counts; a solution of a relaxation whose values, rounded, satisfy
every line and bound is a whole-number solution, and each target it takes
far enough needs nothing more. Each target left is then raised (or lowered)
on its own: a linear optimum short of the goal proves there is no such
solution, and names the bounds that hold the cell there (the cells with a
non-zero reduced cost); a relaxation that reaches it without a whole-number
solution is settled by an integer programme. The model is warm started from
one objective to the next.
"""

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

Bound = tuple[int, int | None]  # least and greatest value; None: no greatest


@dataclass(frozen=True)
class Constraint:
    """low <= sum(c * x) <= high over cell numbers (None: no bound)."""

    coefficients: Mapping[int, int]
    low: int | None = 0
    high: int | None = 0


class NoSolution(ValueError):
    """The constraints and bounds allow no value at all (a line that does not hold for the figures)."""


TOLERANCE = 1e-6  # a relaxation's value within this of a whole number is that number


def too_narrow(constraints: Sequence[Constraint], bounds: Sequence[Bound], small: Iterable[int],
               values: Mapping[int, int], goal: int) -> dict[int, list[int]]:
    """The targets the whole-number solutions narrow too far, each with the
    cells whose bounds hold it there (those of a linear optimum short of the
    goal; none when only whole numbers stop it). `small`: cells that must
    reach `goal` in some solution; `values`: cells with their true value, which
    must be able to differ from it. Raises NoSolution when nothing satisfies
    the constraints."""
    small = [n for n in small if n not in values]
    model = _Model(constraints, bounds)
    reached: set[int] = set()
    moved: set[int] = set()

    def left_below() -> list[int]:
        return [m for m in small if m not in reached]

    def witness(solution: np.ndarray | None) -> None:
        if solution is None:
            return
        reached.update(n for n in small if solution[n] >= goal)
        moved.update(n for n, value in values.items() if solution[n] != value)

    # Every target left at once, while that reaches more: each small one up
    # to the goal and each other one up by one, then down by one.
    for sense in (1, -1):
        while True:
            left = {n: value + sense for n, value in values.items() if n not in moved}
            if sense > 0:
                left |= {n: goal for n in small if n not in reached}
            if not left:
                break
            before = len(reached) + len(moved)
            witness(model.whole(model.optimise(left, sense)))
            if len(reached) + len(moved) == before:
                break
    found: dict[int, list[int]] = {}
    for n in small:
        if n not in reached:
            holding = model.reach(n, goal, sense=1, witness=witness, others=left_below())
            if holding is not None:
                found[n] = holding
    for n, value in values.items():
        if n in moved:
            continue
        above = model.reach(n, value + 1, sense=1, witness=witness, others=[])
        if above is None:
            continue
        below = model.reach(n, value - 1, sense=-1, witness=witness, others=[])
        if below is not None:
            found[n] = sorted({*above, *below})
    return found


class _Model:
    """One linear programme over every cell, whose objective and target caps change."""

    def __init__(self, constraints: Sequence[Constraint], bounds: Sequence[Bound]):
        self.size = len(bounds)
        columns, rows, coefficients = [], [], []
        for r, constraint in enumerate(constraints):
            for n, c in constraint.coefficients.items():
                if c:
                    columns.append(n)
                    rows.append(r)
                    coefficients.append(c)
        self.columns, self.rows = np.array(columns, dtype=np.int32), np.array(rows, dtype=np.int32)
        self.coefficients = np.array(coefficients, dtype=float)
        self.lower = np.array([low for low, _high in bounds], dtype=float)
        self.upper = np.array([np.inf if high is None else high for _low, high in bounds], dtype=float)
        self.row_lower = np.array([-np.inf if c.low is None else c.low for c in constraints], dtype=float)
        self.row_upper = np.array([np.inf if c.high is None else c.high for c in constraints], dtype=float)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.size, len(constraints)
        lp.col_cost_ = np.zeros(self.size)
        lp.col_lower_, lp.col_upper_ = self.lower, self.upper
        lp.row_lower_, lp.row_upper_ = self.row_lower, self.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        order = np.lexsort((self.rows, self.columns))
        lp.a_matrix_.start_ = np.searchsorted(self.columns[order], np.arange(self.size + 1)).astype(np.int32)
        lp.a_matrix_.index_ = self.rows[order]
        lp.a_matrix_.value_ = self.coefficients[order]
        self.lp = lp
        self.highs = _solver("linear")
        self.highs.passModel(lp)
        self.costed = np.zeros(0, dtype=np.int32)  # the cells with a cost now
        self.integer: highspy.Highs | None = None  # the integer programme, passed when first needed

    def optimise(self, caps: Mapping[int, int], sense: int) -> np.ndarray:
        """The optimum of raising (sense 1) or lowering (-1) the sum of these
        cells, each capped at its value there. Raises NoSolution."""
        cells = np.array(sorted(caps), dtype=np.int32)
        cap = np.array([caps[n] for n in cells], dtype=float)
        lower, upper = self.lower[cells], self.upper[cells]
        if sense > 0:
            self.highs.changeColsBounds(len(cells), cells, lower, np.minimum(upper, np.maximum(cap, lower)))
        else:
            self.highs.changeColsBounds(len(cells), cells, np.maximum(lower, np.minimum(cap, upper)), upper)
        self.highs.changeColsCost(len(self.costed), self.costed, np.zeros(len(self.costed)))
        # HiGHS minimises. Unequal weights (the first cell most) break ties:
        # where raising one cell lowers another, one goes all the way.
        weights = 2 - np.arange(len(cells)) / len(cells)
        self.highs.changeColsCost(len(cells), cells, -sense * weights)
        self.costed = cells
        self.highs.run()
        status = self.highs.getModelStatus()
        self.highs.changeColsBounds(len(cells), cells, lower, upper)
        if status == highspy.HighsModelStatus.kInfeasible:
            raise NoSolution
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(f"no optimum: {self.highs.modelStatusToString(status)}")
        return np.array(self.highs.getSolution().col_value)

    def whole(self, solution: np.ndarray) -> np.ndarray | None:
        """The solution rounded to whole numbers, if that satisfies every
        constraint and bound exactly; else None."""
        rounded = np.rint(solution)
        if np.abs(solution - rounded).max(initial=0) > TOLERANCE:
            return None
        sums = np.bincount(self.rows, self.coefficients * rounded[self.columns], minlength=len(self.row_lower))
        if (rounded < self.lower).any() or (rounded > self.upper).any() or (sums < self.row_lower).any() or (
                sums > self.row_upper).any():
            return None
        return rounded

    def reach(self, n: int, goal: int, sense: int, witness, others: list[int]) -> list[int] | None:
        """None when cell n has a whole-number solution at `goal` or beyond
        (raising for sense 1, lowering for -1), else the cells whose bounds
        hold it short (none when only whole numbers stop it). An integer
        programme, when one is needed, also raises `others` towards the goal
        (so that its solution settles more than one)."""
        solution = self.optimise({n: goal}, sense)
        if sense * solution[n] < sense * goal - TOLERANCE:
            duals = np.array(self.highs.getSolution().col_dual)
            return [m for m in np.flatnonzero(np.abs(duals) > TOLERANCE).tolist() if m != n]
        whole = self.whole(solution)
        if whole is None:
            whole = self._integer(n, goal, sense, [m for m in others if m != n])
            if whole is None:
                return []
        witness(whole)
        return None

    def _integer(self, n: int, goal: int, sense: int, others: list[int]) -> np.ndarray | None:
        """A whole-number solution with cell n at `goal` or beyond, or None;
        among them one raising `others` (each capped at the goal) as far as
        the solver finds quickly (any solution with n there will do)."""
        if self.integer is None:
            self.lp.integrality_ = [highspy.HighsVarType.kInteger] * self.size
            self.integer = _solver("integer")
            self.integer.setOptionValue("mip_rel_gap", 1.0)  # a solution is enough: the first good one
            self.integer.passModel(self.lp)
        low, high = (goal, self.upper[n]) if sense > 0 else (self.lower[n], goal)
        if low > high:
            return None
        cells = np.array(others, dtype=np.int32)
        self.integer.changeColsBounds(len(cells), cells, self.lower[cells], np.minimum(self.upper[cells], goal))
        self.integer.changeColsCost(len(cells), cells, np.full(len(cells), -1.0))
        self.integer.changeColBounds(n, low, high)
        self.integer.run()
        status = self.integer.getModelStatus()
        self.integer.changeColBounds(n, self.lower[n], self.upper[n])
        self.integer.changeColsBounds(len(cells), cells, self.lower[cells], self.upper[cells])
        self.integer.changeColsCost(len(cells), cells, np.zeros(len(cells)))
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        return self.whole(np.array(self.integer.getSolution().col_value))


_SOLVERS = threading.local()  # one HiGHS instance of each kind a thread (making one costs more than a solve)


def _solver(kind: str) -> highspy.Highs:
    """This thread's HiGHS instance of this kind, made the first time."""
    highs = getattr(_SOLVERS, kind, None)
    if highs is None:
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # each run starts from the last basis: presolving it costs more
        setattr(_SOLVERS, kind, highs)
    return highs
