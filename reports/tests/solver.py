"""Which hidden cells of a published table follow from what is shown: a
hidden cell is pinned down exactly when its unit vector lies in the span of
the known equations' coefficients over the hidden cells (shown values only
move the right-hand sides). Exact Gauss-Jordan elimination over fractions,
on sparse rows (a report has hundreds of hidden cells, each in a few
equations)."""

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

Equation = Mapping[Hashable, Fraction]


def pinned_down(hidden: Iterable[Hashable], equations: Iterable[Equation]) -> set[Hashable]:
    position = {key: i for i, key in enumerate(dict.fromkeys(hidden))}
    basis: dict[Hashable, dict[Hashable, Fraction]] = {}  # pivot -> row with 1 there and 0 at every other pivot
    for equation in equations:
        row = {key: Fraction(c) for key, c in equation.items() if key in position and c}
        for pivot in [key for key in row if key in basis]:
            row = _minus(row, row[pivot], basis[pivot])
        if not row:
            continue
        pivot = min(row, key=position.__getitem__)
        row = {key: c / row[pivot] for key, c in row.items()}
        for other, base in basis.items():
            if pivot in base:
                basis[other] = _minus(base, base[pivot], row)
        basis[pivot] = row
    # e_i is in the span exactly when i is a pivot whose row has nothing else
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _minus(row: dict, factor: Fraction, base: Mapping) -> dict:
    out = dict(row)
    for key, c in base.items():
        out[key] = out.get(key, 0) - factor * c
    return {key: c for key, c in out.items() if c}
