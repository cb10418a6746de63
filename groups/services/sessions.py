"""One session at a time: an extra session, a move, a cancellation, a restoration."""

from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.services import live_rooms_recheck
from groups.models import GroupSession, PeerGroup
from groups.signals import session_changed, sessions_materialised


@transaction.atomic
def session_add(*, group: PeerGroup, starts_at: datetime, ends_at: datetime) -> GroupSession:
    """An extra session outside the schedule (no occurrence, so no rule touches it)."""
    if ends_at <= starts_at:
        raise ValidationError({"end_time": "The end time must be after the start time"})
    session = GroupSession.objects.create(group=group, starts_at=starts_at, ends_at=ends_at)
    transaction.on_commit(
        partial(sessions_materialised.send, sender=PeerGroup, group=group, sessions=[session]), robust=True)
    return session


@transaction.atomic
def session_move(*, session: GroupSession, starts_at: datetime, ends_at: datetime,
                 now: datetime | None = None) -> GroupSession:
    """Move one session. It keeps its occurrence, so the schedule never re-creates it."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
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
    transaction.on_commit(partial(
        session_changed.send, sender=GroupSession, session=session, change="moved", previous_starts_at=previous),
        robust=True)
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
    transaction.on_commit(partial(
        session_changed.send, sender=GroupSession, session=session, change="restored",
        previous_starts_at=session.starts_at), robust=True)
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
    transaction.on_commit(partial(
        session_changed.send, sender=GroupSession, session=session, change="cancelled",
        previous_starts_at=session.starts_at), robust=True)
    return session
