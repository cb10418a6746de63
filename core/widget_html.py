"""Django's own templates of the commonest widgets (a select and its options,
and every single <input>), written in Python: the same HTML, byte for byte,
from the same context. A filter form of eight fields rendered through the
templates (an include per option, another per attribute list) was a fifth of
the browse page's time (bench/NOTES.md, S6). Widgets with other templates,
and any template a project overrides, go through the template engine."""

from collections.abc import Callable, Mapping

from django.utils.html import conditional_escape

# Templates that are one line, `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password",
    "search", "tel", "text", "time", "url"))
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def attrs_html(attrs: Mapping[str, object]) -> str:
    """attrs.html: ` name="value"`; `True` alone as a bare name, `False` left out."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}" if value is True
                     else f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def input_html(widget: Mapping) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f'{shown}{attrs_html(widget["attrs"])}>')


def option_html(option: Mapping) -> str:
    return (f'<option value="{conditional_escape(str(option["value"]))}"{attrs_html(option["attrs"])}>'
            f'{conditional_escape(option["label"])}</option>')


def select_html(widget: Mapping) -> str | None:
    """None when an option has another template (the caller renders it)."""
    html = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            html.append(f"\n  {option_html(option)}\n")  # the option template ends in a newline
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def widget_html(template_name: str, context: Mapping) -> str | None:
    """The widget's HTML, or None when it is not one of these."""
    render: Callable[[Mapping], str | None] | None = (
        input_html if template_name in INPUT_TEMPLATES else select_html if template_name == SELECT_TEMPLATE else None)
    return render(context["widget"]) if render is not None else None
