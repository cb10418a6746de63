"""When groups meet: RFC 5545 rules (dateutil) turned into sessions.

A rule is evaluated on naive local wall-clock datetimes and only then given the
schedule's zone, so a 12:45 group stays at 12:45 in London across the clock
changes; sessions are stored in UTC. Sessions exist only up to a rolling
horizon; the `materialise_schedules` task moves it forward.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
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


def horizon_end(spec: ScheduleSpec, *, now: datetime) -> datetime:
    """Sessions exist up to 12 weeks past today or past the first session,
    whichever is later, so a group starting in six months has its first
    sessions from the moment its schedule is saved."""
    return max(now, first_start(spec)) + HORIZON


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
    spec = ScheduleSpec.of(schedule)
    horizon = horizon_end(spec, now=now)
    starts = occurrences(spec, after=now, until=horizon)
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


# How finely an old occurrence is paired with a new one when a schedule
# changes: within the same day (every weekday), ISO week (weekly, fortnightly),
# month (monthly), or at all (one-off to one-off). Each rule gives at most one
# session per slot of its own grain, so pairing within the finer grain of the
# two rules is one-to-one.
_GRAIN = {Frequency.WEEKDAYS: 0, Frequency.WEEKLY: 1, Frequency.FORTNIGHTLY: 1, Frequency.MONTHLY: 2,
          Frequency.ONCE: 3}


def _slot(start: datetime, zone: ZoneInfo, grain: int) -> tuple:
    day = start.astimezone(zone).date()
    return ((day,), tuple(day.isocalendar()[:2]), (day.year, day.month), ())[grain]


@dataclass
class SessionChange:
    """What a schedule edit does to one existing session.

    action: "move" (to `starts_at`, people told), "resize" (new end only),
    "keep" (moved or cancelled by hand, or already cancelled: stays as it is),
    "cancel" (the new rule has no such session; people booked or waiting are
    told), "delete" (the same, with nobody to tell), or "none".
    `occurrence` is the new rule's occurrence the session now stands for."""

    session: GroupSession
    action: str
    occurrence: datetime | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @property
    def people(self) -> int:
        return self.session.people


@dataclass
class SchedulePlan:
    changes: list[SessionChange]
    new_sessions: int  # sessions the new rule adds up to the horizon

    def of(self, action: str) -> list[SessionChange]:
        return [c for c in self.changes if c.action == action]

    @property
    def kept_moved(self) -> list[SessionChange]:
        return [c for c in self.of("keep") if not c.session.is_cancelled]

    @property
    def kept_cancelled(self) -> list[SessionChange]:
        return [c for c in self.of("keep") if c.session.is_cancelled]

    @property
    def needs_confirmation(self) -> bool:
        """Sessions move or go, or the rule moves around sessions moved or
        cancelled by hand (which stay, and the facilitator should know)."""
        return any(c.action in ("move", "cancel", "delete") or (
            c.action == "keep" and c.occurrence != c.session.occurrence) for c in self.changes)

    def people(self, action: str) -> int:
        """How many different people booked or waiting the sessions of `action` are told about."""
        ids = [c.session.pk for c in self.of(action)]
        if not ids:
            return 0
        return (GroupSession.objects.filter(pk__in=ids, bookings__status__in=("confirmed", "waitlisted"))
                .values("bookings__user").distinct().count())

    def fingerprint(self) -> str:
        """Changes whenever the plan would, so a confirmation is for what was shown."""
        parts = sorted(f"{c.session.code}:{c.action}:{c.starts_at and c.starts_at.isoformat()}:{c.people}"
                       for c in self.changes if c.action != "none")
        return hashlib.sha256(f"{self.new_sessions}|{'|'.join(parts)}".encode()).hexdigest()[:32]


def schedule_plan(*, group: PeerGroup, spec: ScheduleSpec, duration_minutes: int | None = None,
                  now: datetime | None = None) -> SchedulePlan:
    """What saving `spec` would do to the group's sessions, changing nothing.

    Each existing session of the old rule still to come is paired with the new
    rule's session in the same slot (day, week or month, see `_GRAIN`): it moves
    there with its bookings or, if a facilitator moved or cancelled it by hand,
    stays as it is but now stands for that occurrence, so no second session is
    ever made for it. Sessions of the old rule left without a partner are
    cancelled (people told) or, when nobody is booked or waiting, deleted."""
    now = now or timezone.now()
    schedule = Schedule.objects.filter(group=group).first()
    previous = ScheduleSpec.of(schedule) if schedule else None
    length = timedelta(minutes=duration_minutes or group.duration_minutes)
    zone = ZoneInfo(spec.timezone)
    # People booked or waiting, counted through the reverse relation: groups
    # sits below sign-ups and names its statuses ("confirmed", "waitlisted") only here.
    candidates = list(
        group.sessions.filter(occurrence__isnull=False).filter(Q(starts_at__gt=now) | Q(occurrence__gt=now))
        .annotate(people=Count("bookings", filter=Q(bookings__status__in=("confirmed", "waitlisted"))))
        .order_by("occurrence", "pk"))
    horizon = horizon_end(spec, now=now)
    latest = max([c.occurrence for c in candidates], default=horizon)
    # From the earliest session's occurrence, so a session moved later by hand
    # whose occurrence has passed still finds it; nothing is created before now.
    earliest = min([c.occurrence for c in candidates], default=now)
    news = occurrences(spec, after=min(now, earliest - timedelta(seconds=1)),
                       until=max(horizon, latest + timedelta(days=32)))
    grain = min(_GRAIN[spec.frequency], _GRAIN[previous.frequency] if previous else 3)
    by_slot = {_slot(n, zone, grain): n for n in news}
    # Occurrences held by sessions already over are never given to another.
    used: set[datetime] = set(group.sessions.filter(occurrence__in=news).exclude(
        pk__in=[c.pk for c in candidates]).values_list("occurrence", flat=True))
    partner: dict[int, datetime] = {}
    # Exact keys first: a session that already stands for an occurrence keeps
    # it, so re-keying another session can never collide with it.
    exact = set(news)
    for session in candidates:
        if session.occurrence in exact and session.occurrence not in used:
            partner[session.pk] = session.occurrence
            used.add(session.occurrence)
    for session in candidates:
        n = by_slot.get(_slot(session.occurrence, zone, grain))
        if session.pk not in partner and n is not None and n not in used:
            partner[session.pk] = n
            used.add(n)
    changes = []
    for session in candidates:
        n = partner.get(session.pk)
        if session.starts_at <= now:  # moved earlier by hand and already begun
            changes.append(SessionChange(session, "none", occurrence=n))
        elif session.is_exception or session.is_cancelled:
            changes.append(SessionChange(session, "keep", occurrence=n))
        elif n is not None and n <= now:  # the new time today has passed: this one stays
            changes.append(SessionChange(session, "none", occurrence=n))
        elif n is None:
            booked = session.people
            changes.append(SessionChange(session, "cancel" if booked else "delete"))
        elif n != session.starts_at:
            changes.append(SessionChange(session, "move", n, n, n + length))
        elif session.ends_at != n + length:
            changes.append(SessionChange(session, "resize", n, n, n + length))
        else:
            changes.append(SessionChange(session, "none", n))
    new_sessions = sum(1 for n in news if now < n <= horizon and n not in used)
    return SchedulePlan(changes, new_sessions)


@transaction.atomic
def schedule_save(*, group: PeerGroup, spec: ScheduleSpec, now: datetime | None = None,
                  expected: str | None = None) -> Schedule:
    """Create or change a group's schedule, then carry out `schedule_plan`:
    sessions move with their bookings (people told), exceptions stay, sessions
    the new rule no longer gives are cancelled (people told) or deleted;
    lengths follow the group's; new sessions are materialised. With
    `expected`, the fingerprint of the plan a facilitator confirmed, refuses
    if the plan has changed since."""
    now = now or timezone.now()
    schedule = Schedule.objects.select_for_update().filter(group=group).first()
    previous = ScheduleSpec.of(schedule) if schedule else None
    errors = schedule_errors(spec, now=now, previous=previous)
    if errors:
        raise ValidationError(errors)
    plan = schedule_plan(group=group, spec=spec, now=now)
    if expected is not None and plan.fingerprint() != expected:
        raise ValidationError("The group's sessions changed while you were checking. Check the changes again.",
                              code="stale_plan")
    schedule = schedule or Schedule(group=group)
    for field in ("frequency", "first_date", "start_time", "count", "until", "timezone"):
        setattr(schedule, field, getattr(spec, field))
    if spec.frequency == Frequency.ONCE:
        schedule.count, schedule.until = 1, None
    schedule.save()
    _plan_apply(plan)
    sessions_materialise(group=group, now=now)
    return schedule


def _plan_apply(plan: SchedulePlan) -> None:
    for change in plan.of("delete"):
        change.session.delete()
    for change in plan.changes:
        session = change.session
        if change.action == "cancel":
            session_cancel(session=session, reason="The group's schedule changed", as_exception=False)
        elif change.action in ("move", "resize"):
            previous = session.starts_at
            session.occurrence, session.starts_at, session.ends_at = (
                change.occurrence, change.starts_at, change.ends_at)
            session.save(update_fields=["occurrence", "starts_at", "ends_at", "updated_at"])
            if change.action == "move":
                # The announcement a facilitator's single move makes: everyone
                # booked or waiting is told the new time.
                transaction.on_commit(partial(
                    session_changed.send, sender=GroupSession, session=session, change="moved",
                    previous_starts_at=previous))
        elif change.occurrence and change.occurrence != session.occurrence:  # "keep" or "none"
            session.occurrence = change.occurrence
            session.save(update_fields=["occurrence", "updated_at"])


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
def session_restore(*, session: GroupSession) -> GroupSession:
    """A session cancelled by archiving its group is back on (the group was
    restored); its bookings were kept, so their holders are told."""
    if not session.is_cancelled:
        return session
    session.status = GroupSession.Status.SCHEDULED
    session.cancelled_reason = ""
    session.cancelled_by_archive = False
    session.save(update_fields=["status", "cancelled_reason", "cancelled_by_archive", "updated_at"])
    transaction.on_commit(lambda: session_changed.send(
        sender=GroupSession, session=session, change="restored", previous_starts_at=session.starts_at))
    return session


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
