"""The installation overview: every programme's headline figures side by
side, and the installation's total, for the installation admin.

Each programme's row is exactly the headline of that programme's own report
(`report_from_counts` of all its figures, breakdowns included, since a
breakdown's suppression can hide a headline figure): a figure hidden on the
programme's report page is hidden here, and nothing its page shows is hidden
here, so the two pages never differ about a programme.

The total row is where a hidden figure could leak: total − the programmes
shown = the programme hidden. Programme figures are settled by their own
reports and cannot be hidden further here, so the total is what gives way:
the total of a figure is hidden whenever any programme's figure is hidden or
not available (`suppression.totals_of_hidden_parts`, and why not only when
exactly one is), then checked within its row like any report row
(`suppression.secondary_suppressed`). `reports/tests/test_overview_disclosure.py`
solves the published table's equations for every hidden cell.

Figures come from the selectors in a fixed number of queries, whatever the
number of programmes: every programme's full figures in the queries of one
report, each grouped by programme (`report.raw_counts_by_programme`), and
the installation's whole-period figures in three more, two on PostgreSQL
(its cells' sums, and its people: distinct people are not the sum of the
programmes').
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from programmes.models import Programme
from reports import rollups, selectors
from reports.periods import Period
from reports.report import (
    BOOKINGS,
    FEEDBACK,
    NOT_AVAILABLE,
    RATES,
    ROW_SUMS,
    Cell,
    Measure,
    Report,
    Row,
    Table,
    raw_counts_by_programme,
    report_from_counts,
    with_returning,
    with_summaries,
)
from reports.selectors import ALL
from reports.suppression import (
    Group,
    mean_or_none,
    percentage,
    round_count,
    secondary_suppressed,
    totals_of_hidden_parts,
)

Raw = dict[tuple, int | float | None]
SESSIONS_HELD = Measure("sessions_held", "Sessions held", "sessions")
# The overview's tables: (slug, caption, columns). Sessions scheduled and
# cancelled are left to each programme's report (they need no suppression).
LAYOUT = [
    ("programme", "Participation by programme", [SESSIONS_HELD, *BOOKINGS]),
    ("feedback_programme", "Feedback on helpfulness by programme", FEEDBACK),
]
MEASURES = [measure for _slug, _caption, measures in LAYOUT for measure in measures]
COUNTED = [measure.slug for measure in MEASURES if measure.kind == "count"]
TOTAL_LABEL = "All programmes"


def _whole_period(*figures: Mapping[str, int | float | None]) -> Raw:
    """Selector figures for a whole period as raw report figures (ALL row)."""
    raw: Raw = {}
    for row in figures:
        raw |= {(ALL, ALL, measure): value for measure, value in with_returning(row).items()}
    return with_summaries(raw)


def overview_counts(*, period: Period, now: datetime) -> tuple[dict[Hashable, Raw], Raw]:
    """Every raw figure of each programme (by id; as its own report has
    them), and the installation's whole-period figures: the queries of one
    report and 3 more (2 on PostgreSQL). A programme with nothing in the
    period has no entry."""
    with rollups.reading(now):
        by_programme = raw_counts_by_programme(period=period, now=now)
        total = _whole_period(*(counts(period=period, now=now)[ALL] for counts in (
            selectors.booking_counts, selectors.session_counts, selectors.feedback_counts)))
    return by_programme, total


def programmes_by_name() -> list[tuple[int, str]]:
    """Every programme (id, name), as the overview lists them."""
    return list(Programme.objects.order_by("name").values_list("pk", "name"))


def build_overview(*, period: Period, now: datetime, programmes: Sequence[tuple[int, str]] | None = None) -> Report:
    """The published overview of every programme (`programmes_by_name`), by name."""
    programmes = programmes_by_name() if programmes is None else programmes
    by_programme, total = overview_counts(period=period, now=now)
    return overview_from_counts(programmes=programmes, raws=by_programme, total=total, period=period)


def overview_from_counts(*, programmes: Sequence[tuple[Hashable, str]], raws: Mapping[Hashable, Raw],
                         total: Raw, period: Period) -> Report:
    """The published overview of raw figures: `raws` by programme key (a
    missing one has no figures), `total` the installation's, each keyed
    (dimension, row, measure) as the report's (the ALL row at least)."""
    columns = {key: report_from_counts(raw=raws.get(key, {}), period=period).total for key, _name in programmes}
    total_cells = _total_cells(columns.values(), total, period)
    tables = []
    for slug, caption, measures in LAYOUT:
        rows = [Row(key=key, label=name, cells=[columns[key][m.slug] for m in measures]) for key, name in programmes]
        rows.append(Row(key=ALL, label=TOTAL_LABEL, is_total=True, cells=[total_cells[m.slug] for m in measures]))
        tables.append(Table(slug=slug, caption=caption, row_heading="Programme", measures=measures, rows=rows))
    return Report(period=period, tables=tables)


def _shown(value) -> bool:
    return value is not None and value != NOT_AVAILABLE


def _total_cells(columns: Iterable[Mapping[str, Cell]], total: Raw, period: Period) -> dict[str, Cell]:
    """The installation's figures: hidden wherever a programme's is, then
    checked within the row like a report's (a safety net: each programme's
    row already is), and not available where details were deleted."""
    columns = list(columns)
    own = report_from_counts(raw=total, period=period).total
    lost = {slug for slug in COUNTED if own[slug].value == NOT_AVAILABLE}
    across = [Group(slug, tuple((i, slug) for i in range(len(columns)))) for slug in COUNTED]
    programme_hidden = {(i, slug) for i, cells in enumerate(columns) for slug in COUNTED
                        if not _shown(cells[slug].value)}
    # Only these: a total hidden with every programme's figure shown would be
    # their sum, hidden for nothing (a total of 1 to 7 has a programme hidden).
    seeds = totals_of_hidden_parts(across, programme_hidden)
    counts: dict[Hashable, int] = {s: int(total.get((ALL, ALL, s)) or 0) for s in COUNTED if s not in lost}
    groups = [Group(t, tuple(p for p in parts if p not in lost)) for t, parts in ROW_SUMS.items() if t not in lost]
    hidden = secondary_suppressed(counts, groups, hidden=seeds - lost)
    shown: dict[str, int | None] = {s: None if s in hidden else round_count(counts[s]) for s in COUNTED if s in counts}
    published: dict[str, int | Decimal | str | None] = {**shown, **dict.fromkeys(lost, NOT_AVAILABLE)}
    for slug, (numerator, denominator) in RATES.items():
        published[slug] = percentage(shown[numerator], shown[denominator])  # never lost: places, not people
    responses = int(total.get((ALL, ALL, "responses")) or 0)
    published["mean"] = own["mean"].value if not responses else mean_or_none(
        total.get((ALL, ALL, "mean")), responses, shown["responses"], [shown[part] for part in ROW_SUMS["responses"]])
    published["sessions_held"] = own["sessions_held"].value  # about sessions, not people: exact
    return {measure.slug: Cell(measure, published[measure.slug]) for measure in MEASURES}
