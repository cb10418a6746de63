"""When groups meet: RFC 5545 rules (dateutil) turned into sessions.

A rule is evaluated on naive local wall-clock datetimes and only then given the
schedule's zone, so a 12:45 group stays at 12:45 in London across the clock
changes; sessions are stored in UTC. Sessions exist only up to a rolling
horizon; the `materialise_schedules` task moves it forward.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.services import live_rooms_recheck
from groups.formats import Frequency
from groups.models import GroupSession, PeerGroup, Schedule
from groups.signals import session_changed, sessions_materialised

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
    def of(cls, schedule: Schedule) -> "ScheduleSpec":
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
    bounds: dict = {"dtstart": start}
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
    errors = {}
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


@transaction.atomic
def sessions_materialise(*, group: PeerGroup, now: datetime | None = None) -> list[GroupSession]:
    """Create the sessions the schedule gives up to the horizon. Idempotent: an
    occurrence that already has a session (moved, cancelled or not) is left alone,
    and occurrences in the past are never created."""
    now = now or timezone.now()
    # One materialisation per group at a time; the unique (group, occurrence)
    # constraint is the backstop.
    PeerGroup.objects.select_for_update().filter(pk=group.pk).first()
    schedule = Schedule.objects.filter(group=group).first()
    if schedule is None:
        return []
    horizon = now + HORIZON
    starts = occurrences(ScheduleSpec.of(schedule), after=now, until=horizon)
    existing = set(group.sessions.filter(occurrence__in=starts).values_list("occurrence", flat=True))
    length = timedelta(minutes=group.duration_minutes)
    created = GroupSession.objects.bulk_create([
        GroupSession(group=group, occurrence=start, starts_at=start, ends_at=start + length)
        for start in starts if start not in existing
    ])
    schedule.materialised_until = horizon
    schedule.save(update_fields=["materialised_until", "updated_at"])
    if created:
        transaction.on_commit(lambda: sessions_materialised.send(sender=PeerGroup, group=group, sessions=created))
    return created


def _has_confirmed_bookings(session: GroupSession) -> bool:
    return session.bookings.filter(status="confirmed").exists()


@transaction.atomic
def schedule_save(*, group: PeerGroup, spec: ScheduleSpec, now: datetime | None = None) -> Schedule:
    """Create or change a group's schedule, then bring its future sessions in
    line: sessions the rule no longer gives are deleted, or cancelled when
    people hold places; moved and cancelled sessions (exceptions) are kept;
    lengths follow the group's; new sessions are materialised."""
    now = now or timezone.now()
    schedule = Schedule.objects.select_for_update().filter(group=group).first()
    previous = ScheduleSpec.of(schedule) if schedule else None
    errors = schedule_errors(spec, now=now, previous=previous)
    if errors:
        raise ValidationError(errors)
    schedule = schedule or Schedule(group=group)
    for field in ("frequency", "first_date", "start_time", "count", "until", "timezone"):
        setattr(schedule, field, getattr(spec, field))
    if spec.frequency == Frequency.ONCE:
        schedule.count, schedule.until = 1, None
    schedule.save()
    _reconcile_future_sessions(group=group, spec=ScheduleSpec.of(schedule), now=now)
    sessions_materialise(group=group, now=now)
    return schedule


def _reconcile_future_sessions(*, group: PeerGroup, spec: ScheduleSpec, now: datetime) -> None:
    future = list(group.sessions.filter(
        starts_at__gt=now, is_exception=False, status=GroupSession.Status.SCHEDULED,
        occurrence__isnull=False,
    ))
    if not future:
        return
    last = max(s.occurrence for s in future)
    still_due = set(occurrences(spec, after=now, until=max(last, now + HORIZON)))
    length = timedelta(minutes=group.duration_minutes)
    for session in future:
        if session.occurrence in still_due:
            if session.ends_at - session.starts_at != length:
                session.ends_at = session.starts_at + length
                session.save(update_fields=["ends_at", "updated_at"])
        elif _has_confirmed_bookings(session):
            session_cancel(session=session, reason="The group's schedule changed", as_exception=False)
        else:
            session.delete()


@transaction.atomic
def session_add(*, group: PeerGroup, starts_at: datetime, ends_at: datetime) -> GroupSession:
    """An extra session outside the schedule (no occurrence, so no rule touches it)."""
    if ends_at <= starts_at:
        raise ValidationError({"end_time": "The end time must be after the start time"})
    session = GroupSession.objects.create(group=group, starts_at=starts_at, ends_at=ends_at)
    transaction.on_commit(lambda: sessions_materialised.send(sender=PeerGroup, group=group, sessions=[session]))
    return session


@transaction.atomic
def session_move(*, session: GroupSession, starts_at: datetime, ends_at: datetime,
                 now: datetime | None = None) -> GroupSession:
    """Move one session. It keeps its occurrence, so the schedule never re-creates it."""
    now = now or timezone.now()
    errors = {}
    if starts_at <= now:
        errors["start_time"] = "The new time must be in the future"
    if ends_at <= starts_at:
        errors["end_time"] = "The end time must be after the start time"
    if session.is_cancelled:
        errors["__all__"] = "A cancelled session cannot be moved"
    if errors:
        raise ValidationError(errors)
    previous = session.starts_at
    session.starts_at, session.ends_at, session.is_exception = starts_at, ends_at, True
    session.save(update_fields=["starts_at", "ends_at", "is_exception", "updated_at"])
    live_rooms_recheck(session_code=session.code)  # an open room closes if it is no longer time
    transaction.on_commit(lambda: session_changed.send(
        sender=GroupSession, session=session, change="moved", previous_starts_at=previous))
    return session


@transaction.atomic
def session_cancel(*, session: GroupSession, reason: str = "", as_exception: bool = True) -> GroupSession:
    """Cancel one session; bookings stay so the people holding them can be told."""
    if session.is_cancelled:
        return session
    session.status = GroupSession.Status.CANCELLED
    session.cancelled_reason = reason[:300]
    session.is_exception = session.is_exception or as_exception
    session.save(update_fields=["status", "cancelled_reason", "is_exception", "updated_at"])
    live_rooms_recheck(session_code=session.code)
    transaction.on_commit(lambda: session_changed.send(
        sender=GroupSession, session=session, change="cancelled", previous_starts_at=session.starts_at))
    return session
