"""Selects and inputs written in Python give exactly the HTML of Django's
widget templates, whatever the values, attributes and choices."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from core.forms import NhsDateInput, NhsukFormRenderer

CHOICES = [("", "Any <kind>"), ("a", 'A "quoted" & odd'), (3, "Three")]
GROUPED = [("", "None"), ("Group <one>", [("x", "X"), ("y", "Y")]), ("z", "Z")]

WIDGETS = [
    (forms.TextInput(), "plain text"),
    (forms.TextInput(attrs={"type": "search", "maxlength": 80, "spellcheck": "false", "autocomplete": "off"}),
     'a "quoted" <value> & more'),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.EmailInput(attrs={"required": True, "disabled": False}), "a@nhs.net"),
    (forms.NumberInput(attrs={"min": 0}), 0),
    (forms.HiddenInput(), "secret'quote"),
    (forms.PasswordInput(render_value=True), "pw"),
    (forms.DateInput(), "2026-05-01"),
    (forms.TimeInput(), "09:30"),
    (forms.URLInput(), "https://example.nhs.uk/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES, attrs={"aria-describedby": "id-hint"}), 3),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=GROUPED), "y"),
    (forms.SelectMultiple(choices=CHOICES), ["a", 3]),
    (forms.NullBooleanSelect(), True),
    (forms.Textarea(), "some <text>"),
    (forms.RadioSelect(choices=CHOICES), "a"),
    (NhsDateInput(), "2026-05-01"),
]


def _name(item) -> str:
    return type(item).__name__ if isinstance(item, forms.Widget) else ""


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=_name)
def test_it_renders_what_the_templates_do(widget, value):
    fast, slow = NhsukFormRenderer(), TemplatesSetting()
    attrs = {"id": "id_field", "class": "nhsuk-input"}
    assert widget.render("field", value, attrs=attrs, renderer=fast) == widget.render(
        "field", value, attrs=attrs, renderer=slow)


def test_a_template_of_ours_replacing_djangos_is_still_used(settings, tmp_path):
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / "text.html").write_text('<input class="ours" name="{{ widget.name }}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert forms.TextInput().render("field", "x", renderer=NhsukFormRenderer()) == '<input class="ours" name="field">'
