"""Template filters that give Django's widgets NHS.UK classes and ARIA links,
and put allauth's Title Case headings and buttons in sentence case."""

import re

from django import forms, template

from core.forms import NhsDateInput

register = template.Library()

_CLASSES = {
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "checkbox": "nhsuk-checkboxes__input",
    "input": "nhsuk-input",
}


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, NhsDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.filter
def nhsuk_widget(bound_field):
    kind = widget_kind(bound_field)
    if kind == "date":  # its own template marks each box (see forms/nhsuk_date_input.html)
        return _date_widget(bound_field)
    css = _CLASSES.get(kind, "nhsuk-input")
    if bound_field.errors and kind != "checkbox":
        css += f" {css}--error"
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{css} {existing}".strip()}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound_field.field.widget.attrs.get("autocomplete") == "one-time-code":
        # Two-factor and emailed codes are digits (ALLAUTH_USER_CODE_FORMAT):
        # a phone shows its number pad, and the code is never spell-checked.
        attrs.update({"inputmode": "numeric", "spellcheck": "false", "autocapitalize": "off"})
    return bound_field.as_widget(attrs=attrs)


def _date_widget(bound_field):
    described = [f"{bound_field.auto_id}-hint"] if bound_field.help_text else []
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
    attrs = {"error": bool(bound_field.errors), "aria_describedby": " ".join(described)}
    return bound_field.as_widget(attrs=attrs)


# A capitalised word after the first ("Verify Your Email Address"), outside
# HTML tags; all-capital words (NHS, TOTP) and mixed ones (NHSmail) stay.
_TITLE_WORD = re.compile(r"(?<![<\w/])\b([A-Z])([a-z]+)\b")
_KEEP = {"I"}


@register.filter(is_safe=True)
def sentence_case(text):
    """"Sign In" -> "Sign in": the NHS.UK style for headings, buttons and titles."""
    stripped = str(text).strip()
    first = re.match(r"\s*(<[^>]*>\s*)*\S+", stripped)
    if not first:
        return text
    head, rest = stripped[: first.end()], stripped[first.end():]
    head = re.sub(r"-([A-Z])([a-z]+)\b", lambda m: "-" + m.group(1).lower() + m.group(2), head)
    parts = re.split(r"(<[^>]*>)", rest)
    rest = "".join(p if p.startswith("<") else _TITLE_WORD.sub(
        lambda m: m.group(0) if m.group(0) in _KEEP else m.group(1).lower() + m.group(2), p) for p in parts)
    # is_safe: Django keeps the result safe only when the input was.
    return head + rest
