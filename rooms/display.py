"""Times as people read them: "Tuesday 3 March 2026, 12:45pm to 2pm" (NHS.UK style)."""

from datetime import datetime

from django.utils import timezone


def clock(moment: datetime) -> str:
    local = timezone.localtime(moment)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def when(start: datetime, end: datetime) -> str:
    return f"{day(start)}, {clock(start)} to {clock(end)}"


def at(moment: datetime) -> str:
    return f"{day(moment)} at {clock(moment)}"
