from datetime import date
from pathlib import Path

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property

from core.widget_html import INPUT_TEMPLATES, OPTION_TEMPLATE, SELECT_TEMPLATE, widget_html

ATTRS_TEMPLATE = "django/forms/widgets/attrs.html"
DJANGO_FORMS = str(Path(forms.__file__).parent / "templates")


class NhsukFormRenderer(TemplatesSetting):
    """Renders every form and field with NHS.UK design-system markup."""

    form_template_name = "forms/nhsuk_form.html"
    field_template_name = "forms/nhsuk_field.html"

    def render(self, template_name, context, request=None):
        """Selects and inputs in Python (core/widget_html.py), unless a
        template of ours replaces Django's; the rest through templates."""
        if template_name not in self._overridden:
            html = widget_html(template_name, context)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

    @cached_property
    def _overridden(self) -> frozenset[str]:
        """Django's widget templates that another template directory replaces."""
        names = INPUT_TEMPLATES | {SELECT_TEMPLATE, OPTION_TEMPLATE, ATTRS_TEMPLATE}
        return frozenset(name for name in names if not self.get_template(name).origin.name.startswith(DJANGO_FORMS))


class NhsDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year boxes, never the browser's
    picker (mm/dd/yyyy in an en-US browser). Gives `DateField` an ISO string
    when all three are numbers, else what was typed, so it reports "Enter a
    real date" and the boxes keep their text. A single `name=YYYY-MM-DD`
    value is still read (links and older forms)."""

    template_name = "forms/nhsuk_date_input.html"
    input_type = "nhsuk-date"  # the error summary links to the day box
    PARTS = ("day", "month", "year")

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        widgets = {part: forms.TextInput(attrs={**numeric, "maxlength": 4 if part == "year" else 2})
                   for part in self.PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        day, month, year = (str(data.get(f"{name}_{part}", "")).strip()[:4] for part in self.PARTS)
        if not (day or month or year):
            return ""
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{year}-{month}-{day}"  # strptime takes one or two digits
        return f"{day}|{month}|{year}"  # no input format has "|": the field says "not a date"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in self.PARTS)

    def format_value(self, value):
        return value

    def get_context(self, name, value, attrs):
        if isinstance(value, str) and "|" in value:  # shown again as typed
            value = value.split("|")
        return super().get_context(name, value, attrs)
