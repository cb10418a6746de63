"""The trend the reports page leads with: a chart drawn on the server (SVG)
and the same figures as a table, for people who cannot see the chart.

A quarter or a year charts its own published attendances by month. A month
has no months of its own to compare, so it charts the sessions held in the
six months up to it: figures about sessions, not people, which are never
suppressed, so showing them beside another period's report discloses nothing.
"""

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import SafeString

from reports import charts, selectors
from reports.periods import PeriodKind, month_label, month_start, months_up_to
from reports.report import Report
from reports.suppression import display

MONTHS_BEFORE_A_MONTH = 6


@dataclass(frozen=True)
class Trend:
    title: str  # what the chart shows, e.g. "Attendances by month"
    columns: list[str]  # the table's figure columns
    rows: list[tuple[str, list[str]]]  # (month, texts as published)
    chart: SafeString


def _short(first_day) -> str:
    return calendar.month_abbr[first_day.month]


def report_trend(report: Report) -> Trend:
    """Attendances by month of a quarter or year, as the month table shows them."""
    rows = [row for row in report.table("month").rows if not row.is_total]
    measures = {"sessions_held": "Sessions held", "attended": "Attendances", "participants": "Participants"}
    texts = [(row.label, [next(c.text for c in row.cells if c.measure.slug == m) for m in measures])
             for row in rows]
    chart = charts.column_chart([(_short(row.key), row.value("attended")) for row in rows])
    return Trend("Attendances by month", list(measures.values()), texts, chart)


def sessions_trend(report: Report, *, now: datetime, programmes: Collection[int] | None = None) -> Trend:
    """Sessions held (and cancelled) in the six months up to a month."""
    months = months_up_to(report.period, MONTHS_BEFORE_A_MONTH)
    counts = selectors.sessions_held_by_month(start=month_start(months[0]), end=report.period.end, now=now,
                                              programmes=programmes)
    figures = [(month, *counts.get(month, (0, 0))) for month in months]
    rows = [(month_label(month), [display(held), display(cancelled)]) for month, held, cancelled in figures]
    chart = charts.column_chart([(_short(month), held) for month, held, _cancelled in figures])
    return Trend(f"Sessions held in the {MONTHS_BEFORE_A_MONTH} months to {report.period.label}",
                 ["Sessions held", "Sessions cancelled"], rows, chart)


def trend_for(report: Report, *, now: datetime, programmes: Collection[int] | None = None) -> Trend:
    """`programmes`: the report's programmes (None: the whole installation)."""
    if report.period.kind == PeriodKind.MONTH:
        return sessions_trend(report, now=now, programmes=programmes)
    return report_trend(report)
