"""Dates and times as NHS.UK writes them, in the service's zone
(Europe/London): "Tuesday 3 March 2026", "12:45pm", "midday". The one home of
time formatting: templates (the `when` filter), emails, rooms and exports
all use these."""

from datetime import date, datetime

from django.utils import timezone


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def clock(moment: datetime) -> str:
    """12:45pm, 2pm, midday, midnight."""
    return _clock(local(moment))


def _clock(moment: datetime) -> str:
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def day(moment: datetime | date, *, year: bool = True) -> str:
    """'Tuesday 3 March 2026' (or without the year)."""
    return _day(local(moment) if isinstance(moment, datetime) else moment, year=year)


def _day(moment: datetime | date, *, year: bool = True) -> str:
    text = f"{moment:%A} {moment.day} {moment:%B}"
    return f"{text} {moment.year}" if year else text


# The helpers above take local times: each moment is put in the zone once
# (pages write dozens of these).
def span(starts_at: datetime, ends_at: datetime | None = None) -> str:
    """'Tuesday 3 March 2026, 12:45pm to 2pm'; the end's day too when it differs."""
    start = local(starts_at)
    text = f"{_day(start)}, {_clock(start)}"
    if ends_at is None:
        return text
    end = local(ends_at)
    if end.date() != start.date():
        return f"{text} to {_day(end)}, {_clock(end)}"
    return f"{text} to {_clock(end)}"


def at(moment: datetime) -> str:
    """'Tuesday 3 March 2026 at 12:45pm'."""
    moment = local(moment)
    return f"{_day(moment)} at {_clock(moment)}"


def relative_day(moment: datetime, *, now: datetime) -> str:
    """'today', 'tomorrow' or 'on Tuesday 3 March', judged on London dates."""
    delta = (local(moment).date() - local(now).date()).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    return f"on {day(moment, year=False)}"
