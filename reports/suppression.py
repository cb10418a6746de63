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
    in several tables is one cell. Until nothing changes: for every group whose
    total is shown and exactly one of whose parts is suppressed, suppress the
    smallest other non-zero part too; when no such part exists (every other
    part is 0), suppress the total. Afterwards, a shown total never has exactly
    one suppressed part, so subtracting the shown parts from it never isolates
    a suppressed one. Suppression only ever grows, so the loop ends.

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
    here) and those the groups add."""
    groups = list(groups)
    hidden = set(hidden) | {key for key, count in counts.items() if is_primary_suppressed(count)}
    changed = True
    while changed:
        changed = False
        for group in groups:
            if group.total in hidden:
                continue
            parts = list(dict.fromkeys(group.parts))  # a part listed twice is still one cell
            if sum(part in hidden for part in parts) != 1:
                continue
            # The smallest is the least useful to readers; the key breaks ties
            # by order in the group so the result never depends on set order.
            candidates = [(counts[p], i, p) for i, p in enumerate(parts) if p not in hidden and counts[p] > 0]
            hidden.add(min(candidates)[2] if candidates else group.total)
            changed = True
    return hidden


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

