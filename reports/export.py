"""The report as CSV: exactly the published figures the page shows, one row a
figure, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterator

from reports.report import Report

HEADER = ["Table", "Breakdown", "Measure", "Value"]
# A spreadsheet treats a cell starting with one of these as a formula (OWASP
# "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def report_rows(report: Report) -> Iterator[list[str]]:
    yield HEADER
    for table in report.tables:
        caption = f"{table.caption}, {report.period.label}"  # as the page's table caption
        for row in table.rows:
            for cell in row.cells:
                yield [caption, row.label, cell.measure.label, cell.text]


def report_csv(report: Report) -> str:
    """UTF-8 with a byte-order mark, so spreadsheet programs read "–" right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in report_rows(report):
        writer.writerow([escape_cell(value) for value in row])
    return out.getvalue()


def filename(report: Report) -> str:
    return f"participation-{report.period.slug}.csv"
