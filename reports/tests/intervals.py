"""How far a reader can narrow each hidden cell of a published table when
every shown figure is an interval (a rounded count) rather than a value.

The attacker's model: every cell is an integer unknown with the bounds its
published figure allows (0 is exactly 0, a rounded count r is r - 2 to
r + 2 and at least 8, `*` is at least 1, a figure not available is at least
0), tied by linear constraints (each total is the sum of its parts; a shown
mean bounds its weighted sum of ratings). The range of a hidden cell is its
least and greatest value over every integer solution.

First the bounds are propagated to a fixed point (each constraint bounds
each of its unknowns by what the others allow): cheap, and already the
answer for most cells, but only an outer bound. Then the exact range by
integer linear programming (HiGHS): the largest and least value of
each target, but only where the solutions found so far (the truth, and every
optimum met on the way) do not already reach the propagated bounds.

Written separately from `reports.suppression` and `reports.equations`."""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from math import ceil

import highspy
import numpy as np

Bound = tuple[int, int | None]  # least and greatest value; None: no greatest


@dataclass
class System:
    """Integer unknowns with bounds, and constraints low <= sum(c * x) <= high."""

    bounds: dict[Hashable, Bound] = field(default_factory=dict)
    constraints: list[tuple[dict[Hashable, int], int | None, int | None]] = field(default_factory=list)

    def equal(self, coefficients: Mapping[Hashable, int], value: int = 0) -> None:
        self.constraints.append((dict(coefficients), value, value))

    def between(self, coefficients: Mapping[Hashable, int], low: int | None, high: int | None) -> None:
        self.constraints.append((dict(coefficients), low, high))


def propagate(system: System, limit: int = 200) -> dict[Hashable, Bound]:
    """Outer bounds of every unknown: each constraint narrows each of its
    unknowns to what the others' bounds leave, until nothing changes (or
    `limit` sweeps, which only leaves the bounds wider). Raises ValueError
    when a bound crosses (no solution)."""
    bounds = dict(system.bounds)
    holding: dict[Hashable, list[int]] = {}
    for i, (coefficients, _low, _high) in enumerate(system.constraints):
        for key in coefficients:
            holding.setdefault(key, []).append(i)
    queue = dict.fromkeys(range(len(system.constraints)))
    for _sweep in range(limit * len(system.constraints) + 1):
        if not queue:
            return bounds
        i = next(iter(queue))
        del queue[i]
        coefficients, low, high = system.constraints[i]
        for key, c in coefficients.items():
            least, most = _others(coefficients, bounds, key)
            # low - most <= c * x <= high - least
            new_low, new_high = bounds[key]
            if c > 0:
                if low is not None and most is not None:
                    new_low = max(new_low, -((most - low) // c))
                if high is not None and least is not None:
                    new_high = _min(new_high, (high - least) // c)
            else:
                if high is not None and least is not None:
                    new_low = max(new_low, -((high - least) // -c))
                if low is not None and most is not None:
                    new_high = _min(new_high, (most - low) // -c)
            if new_high is not None and new_low > new_high:
                raise ValueError(f"no solution: {key} in {new_low}..{new_high}")
            if (new_low, new_high) != bounds[key]:
                bounds[key] = (new_low, new_high)
                queue.update(dict.fromkeys(j for j in holding[key] if j != i))
    return bounds


def _min(a: int | None, b: int) -> int:
    return b if a is None else min(a, b)


def _others(coefficients: Mapping[Hashable, int], bounds: Mapping[Hashable, Bound], key: Hashable):
    """The least and greatest sum(c * x) over the unknowns but `key` (None: unbounded)."""
    least: int | None = 0
    most: int | None = 0
    for other, c in coefficients.items():
        if other == key:
            continue
        low, high = bounds[other]
        small, large = (c * low, None if high is None else c * high) if c > 0 else (
            None if high is None else c * high, c * low)
        least = None if least is None or small is None else least + small
        most = None if most is None or large is None else most + large
    return least, most


def ranges(system: System, targets: Iterable[Hashable], known: Iterable[Mapping[Hashable, int]] = ()
           ) -> dict[Hashable, Bound]:
    """The exact least and greatest value of each target over the integer
    solutions (None: no greatest below UNBOUNDED). `known` solutions (the
    truth) only save work: a bound one of them reaches needs no solving.

    Each bound is the optimum of the linear relaxation (one model, its
    objective changed for each, warm started) when that optimum is a whole
    integer solution, which it mostly is (sums of parts); else of the integer
    programme itself."""
    outer = propagate(system)
    keys = list(outer)
    index = {key: i for i, key in enumerate(keys)}
    relaxed = _model(system, keys, outer, integer=False)
    integer: list = []  # the integer programme, built the first time it is needed
    seen: dict[Hashable, list[int]] = {}

    def note(values: Iterable[int]) -> None:
        for key, value in zip(keys, values, strict=True):
            low, high = seen.setdefault(key, [value, value])
            seen[key] = [min(low, value), max(high, value)]

    for solution in known:
        note(solution.get(key, outer[key][0]) for key in keys)

    def optimum(key: Hashable, sign: int) -> int:
        cost = np.zeros(len(keys))
        cost[index[key]] = sign
        values = _solve(relaxed, cost)
        whole = np.rint(values)
        bound = sign * ceil(sign * values[index[key]] - 1e-6)  # no integer solution goes past it
        if key in seen and sign * seen[key][0 if sign > 0 else 1] <= sign * bound:
            return bound  # a solution found before reaches it
        if np.abs(values - whole).max() > 1e-6:
            if not integer:
                integer.append(_model(system, keys, outer, integer=True))
            # Most often an integer solution reaches the relaxation's bound:
            # looking for one is quicker than optimising.
            fixed = _solve(integer[0], np.zeros(len(keys)), at=(index[key], bound))
            whole = np.rint(_solve(integer[0], cost) if fixed is None else fixed)
        note(int(value) for value in whole)
        return int(whole[index[key]])

    found: dict[Hashable, Bound] = {}
    for key in targets:
        low, high = outer[key]
        if key not in seen or seen[key][0] > low:
            low = optimum(key, 1)
        if high is None or seen[key][1] < high:
            high = optimum(key, -1)
        found[key] = (low, None if high is not None and high >= UNBOUNDED else high)
    return found


UNBOUNDED = 100_000  # above any count of these reports: an unknown reaching it has no greatest value


def _model(system: System, keys: list[Hashable], outer: Mapping[Hashable, Bound], integer: bool) -> highspy.Highs:
    starts, rows, values = [0], [], []
    by_key: dict[Hashable, list[tuple[int, int]]] = {key: [] for key in keys}
    for r, (coefficients, _low, _high) in enumerate(system.constraints):
        for key, c in coefficients.items():
            by_key[key].append((r, c))
    for key in keys:
        for r, c in by_key[key]:
            rows.append(r)
            values.append(c)
        starts.append(len(rows))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(keys), len(system.constraints)
    lp.col_cost_ = np.zeros(len(keys))
    lp.col_lower_ = np.array([outer[key][0] for key in keys], dtype=float)
    lp.col_upper_ = np.array([UNBOUNDED if outer[key][1] is None else outer[key][1] for key in keys], dtype=float)
    lp.row_lower_ = np.array([-highspy.kHighsInf if low is None else low for _c, low, _h in system.constraints],
                             dtype=float)
    lp.row_upper_ = np.array([highspy.kHighsInf if high is None else high for _c, _l, high in system.constraints],
                             dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(rows, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=float)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(keys)
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    model.passModel(lp)
    return model


def _solve(model: highspy.Highs, cost: np.ndarray, at: tuple[int, int] | None = None) -> np.ndarray | None:
    """The optimal values of the unknowns for this cost (minimised); with
    `at` (an unknown's index and a value), any solution where it takes that
    value, or None if there is none."""
    model.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    if at is not None:
        lp = model.getLp()
        low, high = lp.col_lower_[at[0]], lp.col_upper_[at[0]]
        model.changeColBounds(at[0], at[1], at[1])
    model.run()
    status = model.getModelStatus()
    if at is not None:
        model.changeColBounds(at[0], low, high)
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
    if status != highspy.HighsModelStatus.kOptimal:
        raise ValueError(f"no optimum: {model.modelStatusToString(status)}")
    return np.array(model.getSolution().col_value)
