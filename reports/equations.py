"""Which unknowns a system of linear equations pins down, in exact arithmetic.

A published table is a system of equations (each total is the sum of its
parts). A reader knows the shown cells, so each equation is a linear
equation in the hidden ones with a known right-hand side. A hidden cell is
*determined* when every solution gives it the same value: when every vector
of the null space of the coefficients (restricted to the unknowns) is 0
there, that is when its unit vector lies in their row space.

Pure functions, no Django. Integer Gauss-Jordan elimination on sparse rows
(each row divided by the gcd of its coefficients, so the ±1 coefficients of
sums stay small), one connected component of the unknowns at a time: two
unknowns are connected when an equation holds both, and nothing outside a
component can help determine a cell in it.
"""

from collections.abc import Hashable, Iterable, Mapping
from math import gcd

Coefficients = Mapping[Hashable, int]  # unknown -> coefficient; the rest of the equation is known


def components(equations: Iterable[Coefficients]) -> list[tuple[list[Hashable], list[int]]]:
    """The connected components of the unknowns, each as (its unknowns in
    order of first appearance, the indices of its equations in order), in
    order of their first equation. Equations with no unknown belong to none."""
    equations = [list(equation) for equation in equations]
    holding: dict[Hashable, list[int]] = {}
    for i, unknowns in enumerate(equations):
        for key in unknowns:
            holding.setdefault(key, []).append(i)
    reached = [False] * len(equations)
    found = []
    for start, unknowns in enumerate(equations):
        if reached[start] or not unknowns:
            continue
        reached[start] = True
        members, stack = [], [start]
        while stack:
            i = stack.pop()
            members.append(i)
            for key in equations[i]:
                for j in holding[key]:
                    if not reached[j]:
                        reached[j] = True
                        stack.append(j)
        members.sort()
        found.append((list(dict.fromkeys(key for i in members for key in equations[i])), members))
    return found


def determined(equations: Iterable[Coefficients]) -> set[Hashable]:
    """The unknowns that every rational solution of `equations` gives the
    same value. Call it on one component at a time: it is quadratic in its
    size."""
    return set(_pinned(list(equations), track=False))


def certificates(equations: Iterable[Coefficients]) -> dict[Hashable, dict[int, int]]:
    """Each determined unknown with a certificate: the multipliers (by
    equation index) of a combination of the equations in which it is the
    only unknown. Slower than `determined`: for the few components that
    have one."""
    return _pinned(list(equations), track=True)


Row = tuple[dict[Hashable, int], dict[int, int]]  # coefficients, and the combination of equations they are


def _pinned(equations: list[Coefficients], track: bool) -> dict[Hashable, dict[int, int]]:
    """Gauss-Jordan elimination, keeping each row's combination if `track`."""
    order: dict[Hashable, int] = {}
    basis: dict[Hashable, Row] = {}  # pivot -> row, 0 at every other pivot
    for index, equation in enumerate(equations):
        row: Row = ({key: c for key, c in equation.items() if c}, {index: 1} if track else {})
        for key in row[0]:
            order.setdefault(key, len(order))
        for pivot in [key for key in row[0] if key in basis]:
            row = _eliminate(row, pivot, basis[pivot])
        if not row[0]:
            continue  # follows from the equations before it
        pivot = min(row[0], key=order.__getitem__)
        for other, base in basis.items():
            if pivot in base[0]:
                basis[other] = _eliminate(base, pivot, row)
        basis[pivot] = row
    # A row is its pivot plus free unknowns (0 at every other pivot): the
    # pivot is determined exactly when there are none, as every null vector
    # is then 0 there.
    return {pivot: combination for pivot, (coefficients, combination) in basis.items() if len(coefficients) == 1}


def _eliminate(row: Row, pivot: Hashable, base: Row) -> Row:
    """`row` combined with `base` so that it is 0 at `pivot`, in integers:
    row - b/a * base when the base's coefficient a is ±1 (sums mostly are),
    else a * row - b * base divided by the gcd of the result."""
    a, b = base[0][pivot], row[0][pivot]
    if a in (1, -1):
        return _combine(1, row[0], a * b, base[0]), _combine(1, row[1], a * b, base[1])
    coefficients, combination = _combine(a, row[0], b, base[0]), _combine(a, row[1], b, base[1])
    divisor = gcd(*coefficients.values(), *combination.values()) or 1
    return ({key: c // divisor for key, c in coefficients.items()},
            {key: c // divisor for key, c in combination.items()})


def _combine(a: int, mine: Mapping, b: int, theirs: Mapping) -> dict:
    """a * mine - b * theirs, without zeros."""
    out = dict(mine) if a == 1 else {key: a * c for key, c in mine.items()}
    for key, c in theirs.items():
        value = out.get(key, 0) - b * c
        if value:
            out[key] = value
        else:
            out.pop(key, None)
    return out
