"""The participation report: raw counts from `selectors`, published through
`suppression`, laid out as tables. Nothing unsuppressed leaves this module.

Only counts of people and places (and what is derived from them) are
suppressed; figures about sessions (scheduled, held, cancelled) say nothing
about anyone and are published exactly.

Cells are keyed (dimension, row, measure). The whole-period row has the same
key in every table, so a total suppressed in one table is suppressed in all.

Sessions whose bookings the retention purge has deleted count through their
anonymous summaries (see `selectors`): places and attendance stay exact, but
a figure that needs to know who held each place (participants, new,
returning, waited, and every profile breakdown) is NOT_AVAILABLE in a row
that includes such a session, rather than silently counting too few.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

from accounts.choices import CareerStage, Profession, Region
from groups.formats import Format
from reports import rollups, selectors
from reports.periods import Period, month_label
from reports.selectors import ALL
from reports.suppression import NOT_APPLICABLE, Group, display, mean_or_none, percentage, suppress


@dataclass(frozen=True)
class Measure:
    slug: str
    label: str
    kind: str = "count"  # count (of people or places) | sessions | percent | mean


# Figures about sessions, not people: published exactly, never suppressed.
SESSIONS = [
    Measure("sessions_scheduled", "Sessions scheduled", "sessions"),
    Measure("sessions_held", "Sessions held", "sessions"),
    Measure("sessions_cancelled", "Sessions cancelled", "sessions"),
]
BOOKINGS = [
    Measure("places_booked", "Places booked"),
    Measure("attended", "Attendances"),
    Measure("no_show", "Did not attend"),
    Measure("not_recorded", "Attendance not recorded"),
    Measure("attendance_rate", "Attendance rate", "percent"),
    Measure("no_show_rate", "No-show rate", "percent"),
    Measure("participants", "Participants"),
    Measure("new", "New participants"),
    Measure("returning", "Returning participants"),
    Measure("waited", "Waited without a place"),
]
FEEDBACK = [
    Measure("responses", "Responses"),
    *[Measure(f"score_{n}", f"Rated {n} of 5") for n in range(1, 6)],
    Measure("mean", "Mean rating", "mean"),
]
RATES = {"attendance_rate": ("attended", "places_booked"), "no_show_rate": ("no_show", "places_booked")}
# Parts that add up exactly to a total within one row.
ROW_SUMS = {
    "places_booked": ("attended", "no_show", "not_recorded"),
    "participants": ("new", "returning"),
    "responses": tuple(f"score_{n}" for n in range(1, 6)),
}
NOT_STATED = ("", "Not stated")
PROFILE = {"profession": Profession, "career_stage": CareerStage, "region": Region}
SUMMARY = ["sessions_held", "sessions_scheduled", "sessions_cancelled", "places_booked", "attended",
           "attendance_rate", "no_show_rate", "participants", "new", "returning", "waited", "responses", "mean"]
SUMMARY_LABELS = {"responses": "Feedback responses", "mean": "Mean helpfulness rating (1 to 5)"}
# Figures that need to know who held each place; a summary only has totals.
PEOPLE = ("participants", "new", "returning", "waited")
NOT_AVAILABLE = ".."  # the detail was deleted after the retention period (the ONS/NHS ".." convention)
DIMENSION_LABELS = {"format": "format", "month": "month", "profession": "profession",
                    "career_stage": "career stage", "region": "region"}


@dataclass(frozen=True)
class Cell:
    measure: Measure
    value: int | Decimal | str | None  # published: rounded, None when suppressed, or a marker

    @property
    def text(self) -> str:
        return display(self.value, percent=self.measure.kind == "percent")


@dataclass(frozen=True)
class Row:
    key: Hashable
    label: str
    cells: list[Cell]
    is_total: bool = False

    def value(self, slug: str):
        return next(cell.value for cell in self.cells if cell.measure.slug == slug)


@dataclass(frozen=True)
class Table:
    slug: str
    caption: str
    row_heading: str
    measures: list[Measure]
    rows: list[Row]


@dataclass(frozen=True)
class Report:
    period: Period
    tables: list[Table]

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)

    @property
    def summary(self) -> list[tuple[str, Cell]]:
        """The headline figures: the whole-period row, named for a summary."""
        total = self.total
        return [(SUMMARY_LABELS.get(slug, total[slug].measure.label), total[slug]) for slug in SUMMARY]

    @property
    def total(self) -> dict[str, Cell]:
        """The whole-period figures (the same in every table)."""
        cells = {}
        for table in self.tables:
            cells |= {cell.measure.slug: cell for cell in table.rows[-1].cells}
        return cells


def _row_labels(dimension: str, period: Period) -> list[tuple[Hashable, str]]:
    if dimension == "month":
        return [(month, month_label(month)) for month in period.months()]
    choices = {"format": Format, "profession": Profession, "career_stage": CareerStage, "region": Region}
    labels = list(choices[dimension].choices)
    return labels if dimension == "format" else [*labels, NOT_STATED]


def _raw_counts(period: Period, now: datetime,
                programmes: Collection[int] | None = None) -> dict[tuple, int | float | None]:
    """Every raw figure, keyed (dimension, row, measure); within
    `rollups.reading` the selectors read each rollup once for all the
    breakdowns (reports/tests/queries.py counts them)."""
    return _raw_counts_of(period, now, programmes, by_programme=False).get(ALL, {})


def raw_counts_by_programme(*, period: Period, now: datetime) -> dict[Hashable, dict[tuple, int | float | None]]:
    """Every programme's raw figures by programme id, each exactly what its
    own report's `_raw_counts` gives, in the same queries as one report
    (each grouped by programme too). Call within `rollups.reading`. A
    programme with nothing in the period has no entry."""
    return _raw_counts_of(period, now, None, by_programme=True)


def _raw_counts_of(period: Period, now: datetime, programmes: Collection[int] | None, *,
                   by_programme: bool) -> dict[Hashable, dict[tuple, int | float | None]]:
    """The raw figures of each programme by id (by_programme), or of
    `programmes` together under ALL."""
    raws: dict[Hashable, dict[tuple, int | float | None]] = {}

    def split(key: Hashable) -> tuple[Hashable, Hashable]:
        """(whose figures, row) of a selector's row key."""
        return cast(tuple[Hashable, Hashable], key) if by_programme else (ALL, key)

    def store(dimension: str, counts: selectors.Counts) -> None:
        for key, figures in counts.items():
            whose, row = split(key)
            raw = raws.setdefault(whose, {})
            figures = with_returning(figures)
            if dimension in PROFILE and row not in PROFILE[dimension].values:
                # A value no longer offered would otherwise be a hidden
                # difference between the rows and their total. One person
                # has one value, so adding distinct counts stays exact.
                for measure, value in figures.items():
                    not_stated = (dimension, NOT_STATED[0], measure)
                    raw[not_stated] = (raw.get(not_stated) or 0) + value
                continue
            for measure, value in figures.items():
                raw[(dimension, row, measure)] = value

    for dimension in [None, *selectors.BOOKING_DIMENSIONS]:
        store(dimension or ALL, selectors.booking_counts(period=period, now=now, dimension=dimension,
                                                         programmes=programmes, by_programme=by_programme))
    for dimension in [None, *selectors.SESSION_DIMENSIONS]:
        store(dimension or ALL, selectors.session_counts(period=period, now=now, dimension=dimension,
                                                         programmes=programmes, by_programme=by_programme))
        store(dimension or ALL, selectors.feedback_counts(period=period, now=now, dimension=dimension,
                                                          programmes=programmes, by_programme=by_programme))
    calendar = selectors.session_calendar_counts(period=period, programmes=programmes, by_programme=by_programme)
    for key, figures in calendar.items():
        whose, (group_format, month) = split(key)
        raw = raws.setdefault(whose, {})
        for row in ((ALL, ALL), ("format", group_format), ("month", month)):
            for measure, value in figures.items():
                raw[(*row, measure)] = (raw.get((*row, measure)) or 0) + value
    return {whose: with_summaries(raw) for whose, raw in raws.items()}


def with_returning(figures: Mapping[str, int | float | None]) -> dict[str, int | float | None]:
    """A row of selector figures with its returning participants (those not new)."""
    figures = dict(figures)
    if "participants" in figures:
        figures["returning"] = (figures["participants"] or 0) - (figures["new"] or 0)
    return figures


def with_summaries(raw: dict[tuple, int | float | None]) -> dict[tuple, int | float | None]:
    """Purged sessions' places and attendance added from their summaries (which
    came with the sessions' queries, so the query count stays the same)."""
    for (dimension, row, measure), value in list(raw.items()):
        if measure.startswith("summarised_") and value:
            key = (dimension, row, measure.removeprefix("summarised_"))
            raw[key] = (raw.get(key) or 0) + value
    return raw


def _not_kept(raw: dict, period: Period) -> set[tuple]:
    """The keys of figures that need per-person detail the purge deleted: the
    PEOPLE figures of a format, month or whole-period row with a summarised
    session, and every figure of a profile row when any session in the period
    was summarised (nobody knows whose places they were)."""
    lost = set()
    for slug, _caption, measures in LAYOUT:
        dimension = _dimension(slug)
        for row in [*(key for key, _label in _row_labels(dimension, period)), ALL]:
            profile_row = dimension in PROFILE and row != ALL
            summarised = raw.get((ALL, ALL, "summarised")) if profile_row else raw.get(
                _key(dimension, row, "summarised"))
            if summarised:
                lost |= {_key(dimension, row, m.slug) for m in measures if profile_row or m.slug in PEOPLE}
    return lost


def _key(dimension: str, row: Hashable, measure: str) -> tuple:
    return (ALL, ALL, measure) if row == ALL else (dimension, row, measure)


# (table slug, caption, columns), in page order. A feedback table's rows are
# the dimension after the prefix.
LAYOUT = [
    ("format", "Participation by format", SESSIONS + BOOKINGS),
    ("month", "Participation by month", SESSIONS + BOOKINGS),
    ("profession", "Participation by profession", BOOKINGS),
    ("career_stage", "Participation by career stage", BOOKINGS),
    ("region", "Participation by region", BOOKINGS),
    ("feedback_format", "Feedback on helpfulness by format", FEEDBACK),
    ("feedback_month", "Feedback on helpfulness by month", FEEDBACK),
]


def _dimension(slug: str) -> str:
    return slug.removeprefix("feedback_")


def _counted(measures: Iterable[Measure]) -> list[str]:
    return [m.slug for m in measures if m.kind == "count"]


def _counts_and_groups(raw: dict, period: Period, lost: set[tuple]) -> tuple[dict[tuple, int], list[Group]]:
    """Every count the tables show, and how they add up: each column to its
    whole-period row, and within each row the parts of ROW_SUMS. A figure not
    available is not shown, so it is left out of the counts but stays in its
    groups: an unknown to the reader, never a secret (`suppression`)."""
    counts: dict[tuple, int] = {}
    groups: list[Group] = []
    for slug, _caption, measures in LAYOUT:
        dimension = _dimension(slug)
        rows = [key for key, _label in _row_labels(dimension, period)]
        counted = _counted(measures)
        for measure in counted:
            parts = tuple(_key(dimension, row, measure) for row in rows)
            for key in (*parts, _key(dimension, ALL, measure)):
                if key not in lost:
                    counts[key] = int(raw.get(key) or 0)
            groups.append(Group(_key(dimension, ALL, measure), parts))
        for row in [*rows, ALL]:
            for total, parts in ROW_SUMS.items():
                if total in counted:
                    groups.append(Group(_key(dimension, row, total), tuple(_key(dimension, row, p) for p in parts)))
    return counts, groups


def build_report(*, period: Period, now: datetime, programmes: Collection[int] | None = None) -> Report:
    """The report of these programmes' groups (every group when None)."""
    with rollups.reading(now):
        raw = _raw_counts(period, now, programmes)
    return report_from_counts(raw=raw, period=period)


def report_from_counts(*, raw: dict[tuple, int | float | None], period: Period) -> Report:
    """The published report of raw figures keyed (dimension, row, measure)."""
    lost = _not_kept(raw, period)
    published = suppress(*_counts_and_groups(raw, period, lost)) | dict.fromkeys(lost, NOT_AVAILABLE)
    tables = [_table(slug, caption, measures, period, raw, published) for slug, caption, measures in LAYOUT]
    return Report(period=period, tables=tables)


def _published(measure: Measure, key: tuple, raw: dict, published: dict):
    """A cell's value: a published count, or a rate or mean derived safely."""
    dimension, row, _slug = key
    if measure.kind == "sessions":
        return int(raw.get(key) or 0)  # not about people: never suppressed or rounded
    if published.get(key) == NOT_AVAILABLE:
        return NOT_AVAILABLE
    if measure.kind == "percent":
        numerator, denominator = RATES[measure.slug]
        return percentage(published[_key(dimension, row, numerator)], published[_key(dimension, row, denominator)])
    if measure.kind == "mean":
        people = _key(dimension, row, "responses")
        if not raw.get(people):
            return NOT_APPLICABLE
        parts = [published[_key(dimension, row, part)] for part in ROW_SUMS["responses"]]
        return mean_or_none(raw.get(key), int(raw[people]), published[people], parts)
    return published[key]


def _table(slug: str, caption: str, measures: list[Measure], period: Period, raw: dict, published: dict) -> Table:
    dimension = _dimension(slug)
    labelled = [*_row_labels(dimension, period), (ALL, f"All {DIMENSION_LABELS[dimension]}s")]
    rows = [
        Row(key=row, label=label, is_total=row == ALL,
            cells=[Cell(m, _published(m, _key(dimension, row, m.slug), raw, published)) for m in measures])
        for row, label in labelled
    ]
    heading = DIMENSION_LABELS[dimension].capitalize()
    return Table(slug=slug, caption=caption, row_heading=heading, measures=measures, rows=rows)
