"""Reporting periods: calendar months, quarters and years with Europe/London
boundaries, so a session at 00:30 BST on 1 April belongs to April."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import models

LONDON = ZoneInfo("Europe/London")


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter (3 months)"
    YEAR = "year", "Year"


MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


@dataclass(frozen=True)
class Period:
    """`number` is the month (1–12), the quarter (1–4) or 1 for a year."""

    kind: str
    year: int
    number: int = 1

    @property
    def first_month(self) -> int:
        if self.kind == PeriodKind.MONTH:
            return self.number
        if self.kind == PeriodKind.QUARTER:
            return 3 * (self.number - 1) + 1
        return 1

    def months(self) -> list[date]:
        """The first day of each month in the period."""
        return [_add_months(date(self.year, self.first_month, 1), i) for i in range(MONTHS_IN[self.kind])]

    @property
    def start(self) -> datetime:
        first = self.months()[0]
        return datetime(first.year, first.month, 1, tzinfo=LONDON)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight in London at the start of the next period."""
        after = _add_months(self.months()[-1], 1)
        return datetime(after.year, after.month, 1, tzinfo=LONDON)

    @property
    def label(self) -> str:
        months = self.months()
        if self.kind == PeriodKind.MONTH:
            return f"{calendar.month_name[self.number]} {self.year}"
        if self.kind == PeriodKind.QUARTER:
            return (f"{calendar.month_name[months[0].month]} to {calendar.month_name[months[-1].month]} "
                    f"{self.year}")
        return f"January to December {self.year}"

    @property
    def query(self) -> dict[str, str]:
        """GET parameters of the period form that choose this period."""
        query = {"kind": self.kind, "year": str(self.year)}
        if self.kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            query[self.kind] = str(self.number)
        return query

    @property
    def slug(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-q{self.number}"
        return str(self.year)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(now: datetime) -> Period:
    local = now.astimezone(LONDON)
    previous = _add_months(date(local.year, local.month, 1), -1)
    return Period(PeriodKind.MONTH, previous.year, previous.month)


def months_up_to(period: Period, count: int) -> list[date]:
    """The first day of `count` months ending with the period's last month."""
    last = period.months()[-1]
    return [_add_months(last, i - count + 1) for i in range(count)]


def month_start(first_day: date) -> datetime:
    return datetime(first_day.year, first_day.month, 1, tzinfo=LONDON)


def month_label(first_day: date) -> str:
    return f"{calendar.month_name[first_day.month]} {first_day.year}"
