import calendar

from django import forms
from django.utils import timezone

from reports.periods import LONDON, Period, PeriodKind, last_complete_month

FIRST_YEAR = 2000
MONTH_CHOICES = [("", "Choose a month")] + [(str(n), calendar.month_name[n]) for n in range(1, 13)]
QUARTER_CHOICES = [("", "Choose a quarter"), ("1", "January to March"), ("2", "April to June"),
                   ("3", "July to September"), ("4", "October to December")]


class PeriodForm(forms.Form):
    """Which period to report on (a GET form: choosing a period changes nothing)."""

    kind = forms.ChoiceField(label="Type of period", choices=PeriodKind.choices, widget=forms.RadioSelect)
    year = forms.IntegerField(
        label="Year", min_value=FIRST_YEAR, max_value=9999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "class": "nhsuk-input--width-4"}),
        error_messages={"required": "Enter a year", "invalid": "Year must be a number, like 2026"},
    )
    # Each shows under its own type of period (templates/reports/includes/period_form.html).
    month = forms.TypedChoiceField(label="Month", choices=MONTH_CHOICES, coerce=int, required=False)
    quarter = forms.TypedChoiceField(label="Quarter", choices=QUARTER_CHOICES, coerce=int, required=False)

    @classmethod
    def default_data(cls) -> dict[str, str]:
        period = last_complete_month(timezone.now())
        return {"kind": period.kind, "year": str(period.year), "month": str(period.number)}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == PeriodKind.MONTH and not data.get("month"):
            self.add_error("month", "Choose a month")
        if kind == PeriodKind.QUARTER and not data.get("quarter"):
            self.add_error("quarter", "Choose a quarter")
        if self.errors or not data.get("year"):
            return data
        period = self._period(data)
        if period.start > timezone.now().astimezone(LONDON):
            field = {PeriodKind.MONTH: "month", PeriodKind.QUARTER: "quarter"}.get(kind, "year")
            self.add_error(field, "Choose a period that has already started")
        return data

    @staticmethod
    def _period(data) -> Period:
        number = {PeriodKind.MONTH: data.get("month"), PeriodKind.QUARTER: data.get("quarter")}.get(data["kind"], 1)
        return Period(data["kind"], data["year"], number)

    @property
    def period(self) -> Period:
        """The chosen period; only after is_valid()."""
        return self._period(self.cleaned_data)
