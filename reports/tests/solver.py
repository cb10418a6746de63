"""Which hidden cells of a published table follow from what is shown: a
hidden cell is pinned down exactly when its unit vector lies in the span of
the known equations' coefficients over the hidden cells (shown values only
move the right-hand sides). Exact Gaussian elimination over fractions."""

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

Equation = Mapping[Hashable, Fraction]


def pinned_down(hidden: Iterable[Hashable], equations: Iterable[Equation]) -> set[Hashable]:
    hidden = list(dict.fromkeys(hidden))
    basis: list[tuple[int, list[Fraction]]] = []  # (pivot, row), fully reduced
    for equation in equations:
        row = _reduce([Fraction(equation.get(key, 0)) for key in hidden], basis)
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is not None:
            row = [x / row[pivot] for x in row]
            basis = [(p, [a - b[pivot] * c for a, c in zip(b, row, strict=True)]) for p, b in basis]
            basis.append((pivot, row))
    unit = [Fraction(0)] * len(hidden)
    return {key for i, key in enumerate(hidden)
            if not any(_reduce(unit[:i] + [Fraction(1)] + unit[i + 1:], basis))}


def _reduce(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    for pivot, base in basis:
        if row[pivot]:
            row = [a - row[pivot] * b for a, b in zip(row, base, strict=True)]
    return row
