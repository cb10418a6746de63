from datetime import UTC, datetime

import pytest

from reports.forms import PeriodForm
from reports.periods import Period, PeriodKind


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("reports.forms.timezone.now", lambda: datetime(2026, 5, 20, 12, tzinfo=UTC))


def test_it_defaults_to_the_last_complete_month(fixed_now):
    form = PeriodForm(PeriodForm.default_data())
    assert form.is_valid()
    assert form.period == Period(PeriodKind.MONTH, 2026, 4)


@pytest.mark.parametrize(
    ("data", "period"),
    [
        ({"kind": "month", "year": "2025", "month": "12"}, Period("month", 2025, 12)),
        ({"kind": "quarter", "year": "2026", "quarter": "2"}, Period("quarter", 2026, 2)),
        ({"kind": "year", "year": "2026", "month": "3"}, Period("year", 2026, 1)),
    ],
)
def test_it_chooses_a_period(fixed_now, data, period):
    form = PeriodForm(data)
    assert form.is_valid(), form.errors
    assert form.period == period


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "month", "year": "2025"}, "month"),
        ({"kind": "quarter", "year": "2025", "month": "3"}, "quarter"),
        ({"kind": "month", "year": "2026", "month": "6"}, "month"),  # not started yet
        ({"kind": "quarter", "year": "2026", "quarter": "3"}, "quarter"),
        ({"kind": "year", "year": "2027"}, "year"),
        ({"kind": "year", "year": "1999"}, "year"),
        ({"kind": "year", "year": "99999999999999999999999"}, "year"),
        ({"kind": "year", "year": "twenty"}, "year"),
        ({"kind": "decade", "year": "2020"}, "kind"),
        ({"kind": "month", "year": "2025", "month": "13"}, "month"),
        ({"kind": "month", "year": "2025", "month": "x" * 5000}, "month"),
        ({"year": "2025"}, "kind"),
        ({"kind": "year"}, "year"),
    ],
)
def test_it_refuses_a_period_it_cannot_report_on(fixed_now, data, field):
    form = PeriodForm(data)
    assert not form.is_valid()
    assert field in form.errors
