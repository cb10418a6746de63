"""The report table tag: every text escaped, markers explained, totals marked."""

from reports.report import Cell, Measure, Row, Table
from reports.templatetags.report_figures import report_table


def _table() -> Table:
    count, rate = Measure("attended", "Attendances <all>"), Measure("attendance_rate", "Attendance rate", "percent")
    return Table(slug="format", caption="By <b>format</b>", row_heading="Format & kind", measures=[count, rate], rows=[
        Row(key="a", label="<script>x</script>", cells=[Cell(count, None), Cell(Measure("new", "New"), 10)]),
        Row(key="all", label="All", cells=[Cell(count, 15), Cell(rate, None)], is_total=True),
    ])


def test_it_escapes_every_text():
    html = report_table(_table(), "May <2026>")
    for raw in ("<script>", "<b>", "<all>", "<2026>"):
        assert raw not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "By &lt;b&gt;format&lt;/b&gt;, May &lt;2026&gt;</caption>" in html
    assert 'aria-label="By &lt;b&gt;format&lt;/b&gt; (scrollable)"' in html
    assert "Format &amp; kind </span>" in html


def test_a_hidden_figure_says_why_to_screen_readers():
    html = report_table(_table(), "May 2026")
    assert '*<span class="nhsuk-u-visually-hidden"> (hidden to protect privacy)</span>' in html
    assert html.count("hidden to protect privacy") == 2


def test_each_figure_carries_its_column_heading_and_only_totals_are_marked():
    html = report_table(_table(), "May 2026")
    assert 'aria-hidden="true">New </span>10</td>' in html
    assert 'aria-hidden="true">Attendances &lt;all&gt; </span>15</td>' in html
    assert html.count("app-report-table__total") == 1
    assert html.index("&lt;script") < html.index("app-report-table__total")
