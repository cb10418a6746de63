"""When groups meet: RFC 5545 rules (dateutil) turned into session starts.

Pure date arithmetic, no database: a rule is evaluated on naive local
wall-clock datetimes and only then given the schedule's zone, so a 12:45 group
stays at 12:45 in London across the clock changes; starts are returned in UTC.
Sessions exist only up to a rolling horizon (`horizon_end`); the services that
write them are in `groups.services.schedules` and `groups.services.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.utils import timezone

from groups.formats import Frequency

if TYPE_CHECKING:
    from groups.models import Schedule

HORIZON = timedelta(weeks=12)
MAX_COUNT = 104  # two years of weekly sessions
MAX_UNTIL = timedelta(days=731)
WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class ScheduleSpec:
    """What a facilitator chose; `count` and `until` are exclusive, neither is ongoing."""

    frequency: str
    first_date: date
    start_time: time
    count: int | None = None
    until: date | None = None
    timezone: str = "Europe/London"

    @classmethod
    def of(cls, schedule: Schedule) -> ScheduleSpec:
        return cls(schedule.frequency, schedule.first_date, schedule.start_time,
                   schedule.count, schedule.until, schedule.timezone)


def nth_weekday(day: date) -> int:
    """Which weekday of its month a date is: 1..4, or -1 for a 5th (the last),
    because a 5th Tuesday does not exist in most months."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def build_rule(spec: ScheduleSpec) -> rrule.rrule:
    """The RFC 5545 rule, over naive local datetimes."""
    start = datetime.combine(spec.first_date, spec.start_time)
    bounds: dict[str, Any] = {"dtstart": start}
    if spec.frequency == Frequency.ONCE:
        bounds["count"] = 1
    elif spec.count:
        bounds["count"] = spec.count
    elif spec.until:
        bounds["until"] = datetime.combine(spec.until, time.max)
    weekday = WEEKDAYS[spec.first_date.weekday()]
    match spec.frequency:
        case Frequency.ONCE | Frequency.WEEKLY:
            return rrule.rrule(rrule.WEEKLY, **bounds)
        case Frequency.FORTNIGHTLY:
            return rrule.rrule(rrule.WEEKLY, interval=2, **bounds)
        case Frequency.WEEKDAYS:
            return rrule.rrule(rrule.DAILY, byweekday=WEEKDAYS[:5], **bounds)
        case Frequency.MONTHLY:
            return rrule.rrule(rrule.MONTHLY, byweekday=weekday(nth_weekday(spec.first_date)), **bounds)
    raise ValueError(f"Unknown frequency {spec.frequency!r}")


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    # fold=0: in the autumn's repeated hour the first (summer-time) instant;
    # a time in the spring gap lands an hour later, as a clock on the wall would.
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


def occurrences(spec: ScheduleSpec, *, after: datetime, until: datetime) -> list[datetime]:
    """Starts (UTC) of the rule's sessions with after < start <= until."""
    zone = ZoneInfo(spec.timezone)
    # Widen by a day each side in local time, then filter exactly in UTC.
    lo = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    hi = until.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    starts = (_to_utc(local, zone) for local in build_rule(spec).between(lo, hi, inc=True))
    return [s for s in starts if after < s <= until]


def first_start(spec: ScheduleSpec) -> datetime:
    return _to_utc(datetime.combine(spec.first_date, spec.start_time), ZoneInfo(spec.timezone))


def schedule_errors(spec: ScheduleSpec, *, now: datetime, previous: ScheduleSpec | None = None) -> dict[str, str]:
    """Field name -> problem, empty when the schedule is sensible. A start in the
    past is refused only when the start itself is new or changed."""
    errors: dict[str, str] = {}
    starts_changed = previous is None or (previous.first_date, previous.start_time) != (
        spec.first_date, spec.start_time)
    if starts_changed and first_start(spec) <= now:
        errors["first_date"] = "The first session must be in the future"
    if spec.frequency == Frequency.ONCE:
        return errors
    if spec.count is not None and not 1 <= spec.count <= MAX_COUNT:
        errors["count"] = f"Enter a number of sessions between 1 and {MAX_COUNT}"
    if spec.until is not None:
        if spec.until < spec.first_date:
            errors["until"] = "The last date must be the same as or after the first session"
        elif spec.until > timezone.localdate(now) + MAX_UNTIL:
            errors["until"] = "The last date must be within 2 years; choose ongoing instead"
    return errors


def horizon_end(spec: ScheduleSpec, *, now: datetime) -> datetime:
    """Sessions exist up to 12 weeks past today or past the first session,
    whichever is later, so a group starting in six months has its first
    sessions from the moment its schedule is saved."""
    return max(now, first_start(spec)) + HORIZON


# How finely an old occurrence is paired with a new one when a schedule
# changes: within the same day (every weekday), ISO week (weekly, fortnightly),
# month (monthly), or at all (one-off to one-off). Each rule gives at most one
# session per slot of its own grain, so pairing within the finer grain of the
# two rules is one-to-one.
GRAIN: dict[str, int] = {Frequency.WEEKDAYS: 0, Frequency.WEEKLY: 1, Frequency.FORTNIGHTLY: 1, Frequency.MONTHLY: 2,
         Frequency.ONCE: 3}


def slot(start: datetime, zone: ZoneInfo, grain: int) -> tuple[int | date, ...]:
    """The day, ISO week, month or (grain 3) the whole series `start` falls in."""
    day = start.astimezone(zone).date()
    return ((day,), tuple(day.isocalendar()[:2]), (day.year, day.month), ())[grain]
