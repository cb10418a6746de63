"""Attendance: the live room's presence, the facilitator's register, and the
sweep that closes sessions nobody took a register for."""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import GroupSession
from signups.errors import SignupRefused
from signups.models import Booking, SessionRegister

MARKS = (Booking.Attendance.ATTENDED, Booking.Attendance.NO_SHOW)


@transaction.atomic
def attendance_record_presence(
    *, session: GroupSession, user: User, joined_at: datetime | None = None, left_at: datetime | None = None
) -> Booking | None:
    """The live room saw this person: keep their first join and last leave,
    and mark them attended. None when they hold no place (e.g. a facilitator)."""
    booking = (
        Booking.objects.select_for_update()
        .filter(session=session, user=user, status=Booking.Status.CONFIRMED)
        .first()
    )
    if booking is None:
        return None
    if joined_at is None and left_at is None:
        joined_at = timezone.now()
    if joined_at is not None and (booking.joined_room_at is None or joined_at < booking.joined_room_at):
        booking.joined_room_at = joined_at
    if left_at is not None and (booking.left_room_at is None or left_at > booking.left_room_at):
        booking.left_room_at = left_at
    booking.attendance = Booking.Attendance.ATTENDED
    booking.save(update_fields=["joined_room_at", "left_room_at", "attendance", "updated_at"])
    return booking


@transaction.atomic
def attendance_register_save(
    *, session: GroupSession, marks: Mapping[str, str], taken_by: User, now: datetime | None = None
) -> int:
    """A facilitator's register: `marks` maps booking codes of confirmed
    places to "attended" or "no_show". Returns how many were recorded."""
    now = now or timezone.now()
    if session.starts_at > now:
        raise SignupRefused("You can take the register once the session has started.", reason="not_started")
    bookings = {b.code: b for b in Booking.objects.select_for_update()
                .filter(session=session, status=Booking.Status.CONFIRMED)}
    saved = 0
    for code, mark in marks.items():
        booking = bookings.get(code)
        if booking is None or mark not in MARKS:
            continue
        booking.attendance = mark
        booking.save(update_fields=["attendance", "updated_at"])
        saved += 1
    SessionRegister.objects.update_or_create(
        session=session, defaults={"taken_by": taken_by, "taken_at": now, "automatic": False}
    )
    return saved


@transaction.atomic
def sessions_close_finished(*, now: datetime | None = None) -> int:
    """For sessions that ended without a register: confirmed places nobody
    recorded become no-shows (places at a cancelled session become cancelled).
    Idempotent: each session is closed once. Returns sessions closed."""
    now = now or timezone.now()
    sessions = list(
        GroupSession.objects.select_for_update(of=("self",))
        .filter(ends_at__lte=now, register__isnull=True)
        .order_by("pk")
    )
    for session in sessions:
        places = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
        if session.is_cancelled:
            places.update(status=Booking.Status.CANCELLED, cancelled_at=now, updated_at=now)
        else:
            places.filter(attendance=Booking.Attendance.UNKNOWN).update(
                attendance=Booking.Attendance.NO_SHOW, updated_at=now
            )
        Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, updated_at=now
        )
        SessionRegister.objects.create(session=session, taken_at=now, automatic=True)
    return len(sessions)
