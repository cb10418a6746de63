"""Template filters that give Django's widgets NHS.UK classes and ARIA links."""

from django import forms, template

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
