"""`{{ text|figure }}`: a published figure as the page shows it, with what a
marker means for screen readers. A filter, not an included template: a
report's page shows about 500 figures, and an include per figure was most
of the page's rendering time (bench/NOTES.md, S6)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

MEANINGS = {
    "*": "hidden to protect privacy",
    "..": "not available: details deleted after 24 months",
    "–": "not applicable",
}


@register.filter
def figure(text: str) -> SafeString:
    meaning = MEANINGS.get(text)
    if meaning is None:
        return SafeString(conditional_escape(text))
    return format_html('{}<span class="nhsuk-u-visually-hidden"> ({})</span>', text, meaning)
