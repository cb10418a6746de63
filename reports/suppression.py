"""Small-number suppression for published figures (the NHS Digital method).

Pure functions, no Django: every figure a report shows or exports passes
through here, so the rules live in one place and can be property-tested.

Counts
    * 0 stays 0 (an empty cell discloses nothing about a person);
    * 1 to 7 is *primary suppressed* and shown as ``*``;
    * every other count is rounded to the nearest 5 (8 -> 10, 12 -> 10, 13 -> 15).

Secondary suppression
    A report declares which cells add up to which: a *group* is a total and
    its parts (a column of a table and its total row; attended + did not attend
    + not recorded = places booked). Totals are shared keys, so the same total
    in several tables is one cell. A cell of a group that is not in the counts
    is not published at all (a figure not available): an unknown to the
    reader, never hidden.

    1. The exactly-one rule, until nothing changes: for every group with a
       published total and exactly one hidden published cell (a part, or the
       total itself), hide the smallest other non-zero part too; when no such
       part exists (every other part is 0), hide the total. Afterwards a shown
       total never has exactly one suppressed part, so subtracting the shown
       parts from it never isolates a suppressed one. The same when two or
       more parts are hidden but the rounding of the shown cells leaves them
       no room above 1 each (a shown total of 10 is 8 to 12; with a shown
       part of 10, at least 8, four hidden parts must each be 1).

    2. The determined-cell rule. Every line can hold two or more hidden cells
       while several lines together still pin one down (a hidden cell that is
       the only link between two sets of hidden cells, or a whole-period
       figure hidden in one table whose months are all shown in another). So
       each group is taken as an equation, total - parts = 0, in the cells a
       reader does not know; a hidden cell is *determined* when every solution
       gives it the same value, that is when every vector of the null space of
       those equations is 0 there (exact integer elimination, one connected
       component of unknowns at a time: `reports.equations`). Next to each
       determined cell one more cell is hidden: a shown cell of the equations
       whose combination pins it down that the combination does not cancel
       (the smallest non-zero part first, and one that would not be the only
       unknown of another group), else the smallest non-zero shown part of a
       group holding it, else of its component, else a total there. Then rule
       1 again, and solve again, until no hidden cell is determined.

    3. The rounding rule. A reader knows more than the equations with shown
       figures taken as exact: a shown 10 is 8 to 12, at least 8, a 0 is 0
       and a hidden cell at least 1, and these ranges combine across
       groups. So the bounds a reader can put on every cell are propagated
       to a fixed point (`reports.intervals`); next to each hidden count of
       1 to 7 that cannot reach SMALLEST_SHOWN, and each hidden cell bounded
       to one value, one more cell is hidden: the smallest non-zero shown
       part of the group bounding it most tightly from above, else its
       total, else the smallest non-zero shown part of a group sharing a
       cell with that one. Then rules 1 and 2 again, until nothing changes.
       Propagated bounds are outer bounds (the whole-number solutions can
       be narrower): `reports/tests/test_rounding_disclosure.py` checks the
       exact ranges on random reports.

    A determined cell is left alone when every shown cell of the equations
    pinning it down is 0: they pin it to 0, which no hidden count is, so they
    do not hold for these figures and tell a reader nothing (a report built
    from whole-period figures alone, whose breakdown rows are all 0).

    Why it ends: every round hides at least one more published cell or is the
    last, a cell is never shown again once hidden, and there are finitely many
    cells. A round adds nothing only when no hidden cell is determined, or
    each determined one is pinned to 0, or every shown cell of its component
    is 0 (then it is pinned to 0 as well), and no hidden cell is narrowed
    too far or none has a non-zero shown cell near it to hide.
    `reports/tests/test_disclosure.py` attacks random reports with a
    separately written exact solver.

    Across programmes (the installation overview) the parts are each
    programme's own published figures, which cannot change there; its total
    is hidden whenever any part is (`totals_of_hidden_parts`).

    Groups are applied conservatively: a total that is not a plain sum (people
    counted once per period but once in each format they attended) is treated
    as if it were one, which can only suppress more.

Derived figures
    * a percentage is computed from the *rounded* figures, and is suppressed
      when its numerator or denominator is (the denominator would reveal the
      numerator and vice versa); a zero denominator has no percentage;
    * a mean is shown only when at least 8 people contributed, their count is
      not itself suppressed, and *no count of the distribution it summarises
      is suppressed*. A mean is one more equation on those counts: with 10
      responses, ratings 2-4 shown as 0 and a mean of 4.6, "rated 1" can only
      be 1. When every count of the distribution is shown (0, or a rounded
      figure of at least 8), the mean says nothing about a hidden cell of its
      own row; `reports/tests/test_disclosure.py` solves for every hidden cell
      from everything a report shows, by exhaustive search, to check that none
      is ever pinned down.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reports.equations import certificates, components, determined
from reports.intervals import narrowed, propagate

SUPPRESSED = "*"
NOT_APPLICABLE = "–"  # a rate with nothing to divide by
SMALLEST_SHOWN = 8  # counts 1..7 are suppressed; means need at least this many people
ROUND_TO = 5


@dataclass(frozen=True)
class Group:
    """`total` is the sum of `parts` (or, conservatively, treated as one)."""

    total: Hashable
    parts: tuple[Hashable, ...]


def is_primary_suppressed(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def round_count(count: int) -> int:
    """Round a non-negative count to the nearest 5 (integers never tie)."""
    if count < 0:
        raise ValueError("counts are never negative")
    return ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO)


def secondary_suppressed(counts: Mapping[Hashable, int], groups: Iterable[Group],
                         hidden: Iterable[Hashable] = ()) -> set[Hashable]:
    """Every key to hide: the primary suppressed cells, those already hidden
    elsewhere (`hidden`: a figure another page publishes hidden stays hidden
    here) and those the groups add. A cell of a group that is not in `counts`
    is not published at all: an unknown to the reader, never hidden."""
    table = _Suppression(counts, list(groups), set(hidden) | {
        key for key, count in counts.items() if is_primary_suppressed(count)})
    check: Iterable[int] = range(len(table.groups))
    while True:
        table.hide_lone_cells(check)
        added = table.hide_next_to_determined() or table.hide_next_to_narrowed()
        if not added:
            return table.hidden
        check = sorted({i for cell in added for i in table.groups_of[cell]})


def _bounds(count: int) -> tuple[int, int]:
    """What a reader knows of a shown count from its published figure: 0 is
    exact; a rounded figure r is r - 2 to r + 2, and at least 8."""
    if count == 0:
        return 0, 0
    shown = round_count(count)
    return max(SMALLEST_SHOWN, shown - ROUND_TO // 2), shown + ROUND_TO // 2


class _Suppression:
    """The state of `secondary_suppressed`: cells hidden so far, and each
    group as an equation (total - parts = 0) by index."""

    def __init__(self, counts: Mapping[Hashable, int], groups: list[Group], hidden: set[Hashable]):
        self.counts, self.groups, self.hidden = counts, groups, hidden
        self.equations: list[dict[Hashable, int]] = []
        self.groups_of: dict[Hashable, list[int]] = {}  # cell -> indices of the groups holding it
        for i, group in enumerate(groups):
            equation = dict.fromkeys(group.parts, -1)  # a part listed twice is still one cell
            equation[group.total] = equation.get(group.total, 0) + 1
            self.equations.append(equation)
            for cell in equation:
                self.groups_of.setdefault(cell, []).append(i)
        self.solved: dict[frozenset, dict[Hashable, dict[int, int]]] = {}  # a component's unknowns -> its pinned
        # the equations over cell numbers, for interval propagation (keys can be slow to hash)
        self.cells = list(self.groups_of)
        self.number = {cell: n for n, cell in enumerate(self.cells)}
        self.numbered = [{self.number[cell]: c for cell, c in equation.items()} for equation in self.equations]

    def shown(self, cell: Hashable) -> bool:
        return cell in self.counts and cell not in self.hidden

    def hide_lone_cells(self, check: Iterable[int]) -> None:
        """The exactly-one rule on these groups, then on those of each cell
        it hides, until nothing changes. A group counts its published cells
        only (as if they were the whole sum), and needs a published total."""
        while check:
            added = []
            for i in check:
                group = self.groups[i]
                cells = [cell for cell in self.equations[i] if cell in self.counts]
                if group.total not in self.counts:
                    continue
                hidden_parts = sum(cell in self.hidden for cell in cells)
                if hidden_parts != 1 and not (hidden_parts > 1 and self.at_their_least(i)):
                    continue
                more = self.smallest(group.parts)
                if more is None and self.shown(group.total):
                    more = group.total
                if more is not None:
                    self.hidden.add(more)
                    added.append(more)
            check = sorted({i for cell in added for i in self.groups_of[cell]})

    def at_their_least(self, i: int) -> bool:
        """Whether the rounding of a group's shown cells leaves its hidden
        parts (each at least 1) no room above 1 each: a shown total of 10 is
        8 to 12, a shown part of 10 at least 8, so with four hidden parts
        each must be 1. Only for a group whose cells are all published and
        whose total is shown."""
        group = self.groups[i]
        parts = list(dict.fromkeys(group.parts))
        if not self.shown(group.total) or any(cell not in self.counts for cell in parts):
            return False
        hidden = [cell for cell in parts if cell in self.hidden]
        most = _bounds(self.counts[group.total])[1] - sum(_bounds(self.counts[c])[0] for c in parts
                                                          if c not in self.hidden)
        return most <= len(hidden)

    def smallest(self, cells: Iterable[Hashable]) -> Hashable | None:
        """The smallest non-zero shown cell (the least useful to readers;
        ties: the first, so the result never depends on set order)."""
        candidates = [(self.counts[cell], n, cell) for n, cell in enumerate(cells)
                      if self.shown(cell) and self.counts[cell] > 0]
        return min(candidates)[2] if candidates else None

    def hide_next_to_determined(self) -> list[Hashable]:
        """One round of the determined-cell rule: next to each hidden cell
        the equations pin down, hide one more cell (none where a group of it
        already gained one this round: solve again first). The cells added."""
        unknown = {cell: None for cell in self.groups_of if cell in self.hidden or cell not in self.counts}
        touching = sorted({i for cell in unknown for i in self.groups_of[cell]})
        equations = [{cell: c for cell, c in self.equations[i].items() if c and cell in unknown} for i in touching]
        added: list[Hashable] = []
        touched: set[int] = set()  # groups given a new hidden cell this round
        for cells, members in components(equations):
            key = frozenset(cells)
            if key not in self.solved:
                system = [equations[i] for i in members]
                pinned = certificates(system) if not self.hidden.isdisjoint(cells) and not self.hidden.isdisjoint(
                    determined(system)) else {}
                self.solved[key] = {cell: {touching[members[i]]: m for i, m in certificate.items()}
                                    for cell, certificate in pinned.items() if cell in self.hidden}
            for cell in [cell for cell in cells if cell in self.solved[key]]:
                if touched.intersection(self.groups_of[cell]) or self.pins_to_zero(self.solved[key][cell]):
                    continue
                more = self.next_to(cell, self.solved[key][cell], [self.groups[touching[i]] for i in members])
                if more is not None:
                    self.hidden.add(more)
                    added.append(more)
                    touched.update(self.groups_of[more])
        return added

    def hide_next_to_narrowed(self) -> list[Hashable]:
        """One round of the rounding rule: the bounds a reader can put on
        every cell from the shown figures' ranges and every group
        (`reports.intervals`); next to each hidden cell they pin to one
        value, or that holds a count of 1 to 7 and cannot reach
        SMALLEST_SHOWN, one more cell is hidden (none where a group of it
        already gained one this round). The cells added."""
        if not any(cell in self.hidden for cell in self.cells if cell in self.counts):
            return []
        reader = propagate(self.numbered, {n: self.reader_bounds(cell) for n, cell in enumerate(self.cells)})
        added: list[Hashable] = []
        touched: set[int] = set()
        for n, cell in enumerate(self.cells):
            if cell not in self.hidden or cell not in self.counts or touched.intersection(self.groups_of[cell]):
                continue
            low, high = reader[n]
            if high is None or (low < high and (self.counts[cell] >= SMALLEST_SHOWN or high >= SMALLEST_SHOWN)):
                continue
            more = self.widening(cell, reader)
            if more is not None:
                self.hidden.add(more)
                added.append(more)
                touched.update(self.groups_of[more])
        return added

    def reader_bounds(self, cell: Hashable) -> tuple[int, int | None]:
        """What a reader knows of a cell from its published figure alone."""
        if self.shown(cell):
            return _bounds(self.counts[cell])
        return (1, None) if cell in self.counts else (0, None)

    def widening(self, cell: Hashable, reader: Mapping[int, tuple[int, int | None]]) -> Hashable | None:
        """The cell to hide for one a reader narrows too far (`reader`: the
        bounds by cell number): the smallest non-zero shown part of the
        group that bounds it most tightly from above, else its total, else
        the smallest non-zero shown part of a group sharing a cell with
        that one."""
        n = self.number[cell]

        def ceiling(i: int) -> float:
            equation = {m: c for m, c in self.numbered[i].items() if c}
            bounds = {m: reader[m] for m in equation} | {n: self.reader_bounds(cell)}
            high = narrowed(equation, bounds).get(n, (0, None))[1]
            return float("inf") if high is None else high

        i = min(self.groups_of[cell], key=ceiling)
        group = self.groups[i]
        if (more := self.smallest(group.parts)) is not None:
            return more
        if self.shown(group.total) and self.counts[group.total] > 0:
            return group.total
        return self.smallest(part for other in self.equations[i] for j in self.groups_of[other]
                             for part in self.groups[j].parts)

    def pins_to_zero(self, certificate: Mapping[int, int]) -> bool:
        """Whether every shown cell of the groups a certificate combines is 0:
        it then pins its hidden cell to 0, which no hidden count is, so these
        equations do not hold for the figures (whole-period figures alone,
        with every breakdown row 0) and tell a reader nothing."""
        return all(self.counts[c] == 0 for i in certificate for c in self.equations[i] if self.shown(c))

    def next_to(self, cell: Hashable, certificate: Mapping[int, int], component: list[Group]) -> Hashable | None:
        """The cell to hide for a determined one: one that breaks its
        certificate, else the smallest non-zero shown part of its groups,
        else of its component's, else a total of its component. None when
        every shown cell of the component is 0: the equations then pin the
        hidden cell to 0, which no hidden count is, so they do not hold for
        these figures and tell nothing."""
        for more in (self.breaking(certificate),
                     self.smallest(part for i in self.groups_of[cell] for part in self.groups[i].parts),
                     self.smallest(part for group in component for part in group.parts),
                     self.smallest(group.total for group in component)):
            if more is not None:
                return more
        return None

    def breaking(self, certificate: Mapping[int, int]) -> Hashable | None:
        """A shown cell of the groups a certificate combines (multiplier by
        group index) that the combination does not cancel, so hiding it
        breaks this certificate: the smallest non-zero part, else a total.
        A cell whose other groups all have an unknown already comes first:
        one that would be the only unknown of a group would be pinned down."""
        def lone(cell: Hashable) -> bool:
            return any(all(self.shown(c) for c in self.equations[i]) for i in self.groups_of[cell])

        candidates = []
        for i in certificate:
            group = self.groups[i]
            for n, cell in enumerate((*group.parts, group.total)):
                if self.shown(cell) and self.counts[cell] > 0 and sum(
                        certificate.get(j, 0) * self.equations[j][cell] for j in self.groups_of[cell]):
                    candidates.append((lone(cell), cell == group.total, self.counts[cell], i, n, cell))
        return min(candidates)[-1] if candidates else None


def totals_of_hidden_parts(groups: Iterable[Group], hidden: Collection[Hashable]) -> set[Hashable]:
    """The total of every group with a hidden part: the rule for a total over
    parts whose publication is settled elsewhere (the installation overview's
    total over each programme's own report), which the exactly-one rule of
    `secondary_suppressed` cannot change. Hiding a total only when exactly one
    part is hidden is not enough there: parts that are also tied by their own
    rows can leave a hidden cell that two shown totals and two rows pin down
    (docs/reports.md, "Installation overview"). A total hidden with any hidden
    part adds one unknown to its one equation, so it says nothing more than
    the parts' own rows did."""
    return {group.total for group in groups if any(part in hidden for part in group.parts)}


def suppress(counts: Mapping[Hashable, int], groups: Iterable[Group] = ()) -> dict[Hashable, int | None]:
    """The publishable value of every count: rounded, or None where suppressed."""
    hidden = secondary_suppressed(counts, groups)
    return {key: None if key in hidden else round_count(count) for key, count in counts.items()}


def percentage(numerator: int | None, denominator: int | None) -> int | None | str:
    """A whole-number percentage of two *published* counts (already rounded).

    None when either is suppressed; NOT_APPLICABLE when the denominator is 0.
    """
    if numerator is None or denominator is None:
        return None
    if denominator == 0:
        return NOT_APPLICABLE
    value = Decimal(100 * numerator) / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def mean_or_none(
    mean: float | None, people: int, published_people: int | None, published_parts: Iterable[int | None] = ()
) -> Decimal | None:
    """`mean` (computed from raw values) to one decimal place, or None when
    fewer than 8 people gave it, their published count is suppressed, or any
    published count of its distribution (`published_parts`: how many gave
    each value) is suppressed."""
    if mean is None or people < SMALLEST_SHOWN or published_people is None:
        return None
    if any(part is None for part in published_parts):
        return None
    return Decimal(str(mean)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def display(value: int | Decimal | str | None, *, percent: bool = False) -> str:
    """The text of a published value: `*` when suppressed."""
    if value is None:
        return SUPPRESSED
    if isinstance(value, str):
        return value
    return f"{value}%" if percent else str(value)

