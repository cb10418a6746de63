"""Schedules: saving one carries its sessions along (moved with their
bookings, cancelled or deleted), and sessions are materialised up to the
rolling horizon. The date arithmetic is `groups.recurrence`."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, TypedDict
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from groups.formats import Frequency
from groups.models import GroupSession, PeerGroup, Schedule
from groups.places import HOLDING
from groups.recurrence import GRAIN, ScheduleSpec, horizon_end, occurrences, schedule_errors, slot
from groups.services.sessions import session_cancel
from groups.signals import session_changed, sessions_materialised

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


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
        transaction.on_commit(
            partial(sessions_materialised.send, sender=PeerGroup, group=group, sessions=created), robust=True)
    return created


class _PeopleCount(TypedDict):
    people: int  # booked or waiting


if TYPE_CHECKING:  # (a type only: WithAnnotations takes one argument at run time)
    # A session with how many people hold or are queueing for a place at it.
    CountedSession = WithAnnotations[GroupSession, _PeopleCount]


@dataclass
class SessionChange:
    """What a schedule edit does to one existing session.

    action: "move" (to `starts_at`, people told), "resize" (new end only),
    "keep" (moved or cancelled by hand, or already cancelled: stays as it is),
    "cancel" (the new rule has no such session; people booked or waiting are
    told), "delete" (the same, with nobody to tell), or "none".
    `occurrence` is the new rule's occurrence the session now stands for."""

    session: "CountedSession"
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
        return (GroupSession.objects.filter(pk__in=ids, bookings__status__in=HOLDING)
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
    rule's session in the same slot (day, week or month, see `GRAIN`): it moves
    there with its bookings or, if a facilitator moved or cancelled it by hand,
    stays as it is but now stands for that occurrence, so no second session is
    ever made for it. Sessions of the old rule left without a partner are
    cancelled (people told) or, when nobody is booked or waiting, deleted."""
    now = now or timezone.now()
    schedule = Schedule.objects.filter(group=group).first()
    previous = ScheduleSpec.of(schedule) if schedule else None
    length = timedelta(minutes=duration_minutes or group.duration_minutes)
    zone = ZoneInfo(spec.timezone)
    # People booked or waiting, counted through the reverse relation (sign-ups'
    # bookings, whose statuses groups declares: groups.places).
    candidates = list(
        group.sessions.filter(occurrence__isnull=False).filter(Q(starts_at__gt=now) | Q(occurrence__gt=now))
        .annotate(people=Count("bookings", filter=Q(bookings__status__in=HOLDING)))
        .order_by("occurrence", "pk"))
    horizon = horizon_end(spec, now=now)
    # Each with the occurrence it stands for (every one has one: filtered above).
    held = [(c, c.occurrence) for c in candidates if c.occurrence is not None]
    latest = max([o for _, o in held], default=horizon)
    # From the earliest session's occurrence, so a session moved later by hand
    # whose occurrence has passed still finds it; nothing is created before now.
    earliest = min([o for _, o in held], default=now)
    news = occurrences(spec, after=min(now, earliest - timedelta(seconds=1)),
                       until=max(horizon, latest + timedelta(days=32)))
    grain = min(GRAIN[spec.frequency], GRAIN[previous.frequency] if previous else 3)
    by_slot = {slot(n, zone, grain): n for n in news}
    # Occurrences held by sessions already over are never given to another.
    used: set[datetime | None] = set(group.sessions.filter(occurrence__in=news).exclude(
        pk__in=[c.pk for c in candidates]).values_list("occurrence", flat=True))
    partner: dict[int, datetime] = {}
    # Exact keys first: a session that already stands for an occurrence keeps
    # it, so re-keying another session can never collide with it.
    exact = set(news)
    for session, occurrence in held:
        if occurrence in exact and occurrence not in used:
            partner[session.pk] = occurrence
            used.add(occurrence)
    for session, occurrence in held:
        n = by_slot.get(slot(occurrence, zone, grain))
        if session.pk not in partner and n is not None and n not in used:
            partner[session.pk] = n
            used.add(n)
    changes = []
    for session, _ in held:
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
            # A move or resize always has both.
            assert change.starts_at is not None
            assert change.ends_at is not None
            previous = session.starts_at
            session.occurrence, session.starts_at, session.ends_at = (
                change.occurrence, change.starts_at, change.ends_at)
            session.save(update_fields=["occurrence", "starts_at", "ends_at", "updated_at"])
            if change.action == "move":
                # The announcement a facilitator's single move makes: everyone
                # booked or waiting is told the new time.
                transaction.on_commit(partial(
                    session_changed.send, sender=GroupSession, session=session, change="moved",
                    previous_starts_at=previous), robust=True)
        elif change.occurrence and change.occurrence != session.occurrence:  # "keep" or "none"
            session.occurrence = change.occurrence
            session.save(update_fields=["occurrence", "updated_at"])
