"""`{{ text|figure }}`: a published figure as the page shows it, with what a
marker means for screen readers; `{% report_table table period_label %}`:
one whole report table. Built in Python, not in included templates: a
report's page shows about 500 figures, and template nodes per figure (first
an include each, then a loop of tags and filters) were most of the page's
rendering time (bench/NOTES.md, S6)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

MEANINGS = {
    "*": "hidden to protect privacy",
    "..": "not available: details deleted after 24 months",
    "–": "not applicable",
}

_NUMERIC_HEADER = "nhsuk-table__header nhsuk-table__header--numeric"
_HEADING = '<span class="nhsuk-table-responsive__heading" aria-hidden="true">{} </span>'


@register.filter
def figure(text: str) -> SafeString:
    meaning = MEANINGS.get(text)
    if meaning is None:
        return SafeString(conditional_escape(text))
    return format_html('{}<span class="nhsuk-u-visually-hidden"> ({})</span>', text, meaning)


@register.simple_tag
def report_table(table, period_label: str) -> SafeString:
    """The table's caption, a header row of its measures, then a row per
    label, totals last. Responsive: on a phone each row stacks, every figure
    labelled (the hidden heading before it). Every text is escaped here, as
    the template engine would."""
    esc = conditional_escape
    caption, row_heading = esc(table.caption), esc(table.row_heading)
    headings: dict[str, str] = {}  # a measure's label, escaped once a table

    def cell_html(cell) -> str:
        heading = headings.get(cell.measure.slug)
        if heading is None:
            heading = headings[cell.measure.slug] = _HEADING.format(esc(cell.measure.label))
        return f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{heading}{figure(cell.text)}</td>'

    lines = [
        f'<div class="app-table-scroll" role="region" aria-label="{caption} (scrollable)" tabindex="0">',
        f'<table class="nhsuk-table nhsuk-table--responsive app-report-table" id="table-{esc(table.slug)}">',
        f'  <caption class="nhsuk-table__caption nhsuk-table__caption--s">{caption}, {esc(period_label)}</caption>',
        '  <thead class="nhsuk-table__head">',
        '    <tr class="nhsuk-table__row">',
        f'      <th class="nhsuk-table__header" scope="col">{row_heading}</th>',
        "      " + "".join(f'<th class="{_NUMERIC_HEADER}" scope="col">{esc(m.label)}</th>' for m in table.measures),
        "    </tr>",
        "  </thead>",
        '  <tbody class="nhsuk-table__body">',
    ]
    row_start = f'      <th class="nhsuk-table__header" scope="row">{_HEADING.format(row_heading)}'
    for row in table.rows:
        total = " app-report-table__total" if row.is_total else ""
        lines += [f'    <tr class="nhsuk-table__row{total}">',
                  f"{row_start}{esc(row.label)}</th>",
                  "      " + "".join(cell_html(cell) for cell in row.cells),
                  "    </tr>"]
    lines += ["  </tbody>", "</table>", "</div>"]
    return SafeString("\n".join(lines))
