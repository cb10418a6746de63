import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.export import FORMULA_STARTS, escape_cell, report_csv
from reports.periods import Period, PeriodKind
from reports.report import Cell, Measure, Report, Row, Table


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+44", "'+44"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("*", "*"), ("45", "45"), ("67%", "67%"), ("–", "–"), ("", "")],
)
def test_cells_a_spreadsheet_would_run_as_formulas_become_text(value, safe):
    assert escape_cell(value) == safe


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_no_escaped_cell_starts_like_a_formula(value):
    assert not escape_cell(value).startswith(FORMULA_STARTS)
    assert escape_cell(value) in (value, "'" + value)


def test_the_whole_export_is_escaped_even_where_labels_come_from_elsewhere():
    measure = Measure("attended", "=HYPERLINK(\"http://evil\")")
    table = Table("format", "@Table", "Format", [measure], [Row("x", "-Row", [Cell(measure, 10)])])
    text = report_csv(Report(period=Period(PeriodKind.YEAR, 2025), tables=[table]))
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row == ["'@Table, January to December 2025", "'-Row", "'=HYPERLINK(\"http://evil\")", "10"]
