"""Server-drawn SVG bar charts of published (already suppressed) figures.

No JavaScript and nothing from a CDN. Each chart is `aria-hidden`: the table
beside it holds the same figures for screen readers, and its caption says so.
A suppressed figure draws no bar and is labelled `*`, like the table.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from reports.suppression import display

BAR = "#005eb8"  # NHS blue; the only colour, so nothing depends on telling colours apart
TEXT = "#212b32"
RULE = "#768692"
Items = list[tuple[str, int | None]]


def _scale(items: Items) -> int:
    return max([value for _label, value in items if isinstance(value, int)] + [1])


def _svg(width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'aria-hidden="true" focusable="false" font-size="14" fill="{}">{}</svg>',
        width, height, TEXT, body,
    )


def column_chart(items: Items) -> SafeString:
    """Vertical bars along a time axis (months), a label under each."""
    width, top, plot, bottom = 400, 20, 160, 24
    slot = width / max(len(items), 1)
    biggest = _scale(items)
    parts = []
    for i, (label, value) in enumerate(items):
        x, middle = round(i * slot, 1), round((i + 0.5) * slot, 1)
        height = round(plot * value / biggest) if isinstance(value, int) else 0
        if height:
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                     round(x + slot * 0.15, 1), top + plot - height, round(slot * 0.7, 1), height, BAR))
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>',
                                 middle, top + plot - height - 5, display(value)))
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>',
                                 middle, top + plot + 17, label))
    axis = format_html('<line x1="0" x2="{}" y1="{}" y2="{}" stroke="{}"/>', width, top + plot, top + plot, RULE)
    return _svg(width, top + plot + bottom, SafeString("".join([*parts, axis])))


def bar_chart(items: Items) -> SafeString:
    """Horizontal bars, each under its label: long names fit on a phone."""
    width, label_height, bar_height, gap, room_for_value = 400, 18, 18, 10, 44
    row = label_height + bar_height + gap
    biggest = _scale(items)
    parts = []
    for i, (label, value) in enumerate(items):
        y = i * row
        length = round((width - room_for_value) * value / biggest) if isinstance(value, int) else 0
        parts.append(format_html('<text x="0" y="{}">{}</text>', y + 13, label))
        if length:
            parts.append(format_html('<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                                     y + label_height, length, bar_height, BAR))
        parts.append(format_html('<text x="{}" y="{}">{}</text>', length + 6, y + label_height + 14, display(value)))
    return _svg(width, max(len(items), 1) * row, SafeString("".join(parts)))
