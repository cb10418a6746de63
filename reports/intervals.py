"""What a reader can bound each cell of a published table to, when shown
figures are ranges (rounded counts) rather than values.

Pure functions, no Django. A table is a system of equations (each total is
the sum of its parts); each cell has the bounds its published figure allows
(a rounded 10 is 8 to 12, `*` at least 1, a figure not available at least
0). Each equation bounds each of its cells by what the others allow; doing
so until nothing changes gives bounds no solution leaves (interval
propagation). They are outer bounds: the true least and greatest values over
the whole-number solutions can be closer together, never further apart.
"""

from collections.abc import Hashable, Mapping, Sequence

Bound = tuple[int, int | None]  # least and greatest value; None: no greatest
Equation = Mapping[Hashable, int]  # cell -> coefficient; the equation is sum(c * x) = 0

SWEEPS = 50  # passes over every equation at most: stopping early only leaves wider bounds


def propagate(equations: Sequence[Equation], bounds: Mapping[Hashable, Bound]) -> dict[Hashable, Bound]:
    """The bounds of every cell after each equation has narrowed each of its
    cells to what the others' bounds leave, until nothing changes. An
    equation that would leave a cell no value at all (a total that is not a
    plain sum, treated as one) narrows nothing."""
    bounds = dict(bounds)
    # a cell known to be 0 adds nothing; an equation of known cells narrows nothing
    equations = [{cell: c for cell, c in equation.items() if c and bounds[cell] != (0, 0)} for equation in equations]
    equations = [equation for equation in equations if any(bounds[cell][0] != bounds[cell][1] for cell in equation)]
    holding: dict[Hashable, list[int]] = {}
    for i, equation in enumerate(equations):
        for cell in equation:
            holding.setdefault(cell, []).append(i)
    queue = dict.fromkeys(range(len(equations)))
    budget = SWEEPS * len(equations)
    while queue and budget:
        budget -= 1
        i = next(iter(queue))
        del queue[i]
        for cell, (low, high) in narrowed(equations[i], bounds).items():
            bounds[cell] = (low, high)
            queue.update(dict.fromkeys(j for j in holding[cell] if j != i))
    return bounds


def narrowed(equation: Equation, bounds: Mapping[Hashable, Bound]) -> dict[Hashable, Bound]:
    """The cells of one equation whose bounds it narrows, with their new
    bounds (none when it would leave a cell no value)."""
    terms = []  # each cell's coefficient and the least and greatest of c * x (None: no bound)
    least = most = no_least = no_most = 0
    for cell, c in equation.items():
        low, high = bounds[cell]
        if c > 0:
            small, large = c * low, None if high is None else c * high
        else:
            small, large = None if high is None else c * high, c * low
        terms.append((cell, c, small, large))
        if small is None:
            no_least += 1
        else:
            least += small
        if large is None:
            no_most += 1
        else:
            most += large
    out = {}
    for cell, c, small, large in terms:
        # c * x = -(the others' sum), which lies between these (None: no bound)
        others_least = None if no_least - (small is None) else least - (small or 0)
        others_most = None if no_most - (large is None) else most - (large or 0)
        low, high = new_low, new_high = bounds[cell]
        if c > 0:  # x from ceil(-others_most / c) to floor(-others_least / c)
            if others_most is not None:
                new_low = max(low, -(others_most // c))
            if others_least is not None:
                new_high = _least(high, -others_least // c)
        else:  # x from ceil(others_least / -c) to floor(others_most / -c)
            if others_least is not None:
                new_low = max(low, -(-others_least // -c))
            if others_most is not None:
                new_high = _least(high, others_most // -c)
        if new_high is not None and new_low > new_high:
            return {}
        if new_low != low or new_high != high:
            out[cell] = (new_low, new_high)
    return out


def _least(high: int | None, value: int) -> int:
    return value if high is None else min(high, value)
