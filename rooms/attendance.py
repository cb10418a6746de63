"""Attendance from presence: join and leave times feed the sign-ups record.

Sign-ups owns the attendance rules (`signups.services.attendance_record_presence`);
until that exists, the booking's fields are updated here directly.
"""

from datetime import datetime

from groups.models import GroupSession
from signups.models import Booking


def attendance_record(*, session: GroupSession, user, joined_at: datetime | None = None,
                      left_at: datetime | None = None) -> None:
    try:
        from signups import services as signups_services
    except ImportError:
        signups_services = None
    record = getattr(signups_services, "attendance_record_presence", None)
    if record is not None:
        record(session=session, user=user, joined_at=joined_at, left_at=left_at)
        return
    _booking_update(session=session, user=user, joined_at=joined_at, left_at=left_at)


def _booking_update(*, session: GroupSession, user, joined_at: datetime | None, left_at: datetime | None) -> None:
    """First join and last leave of a confirmed booking; joining marks it attended."""
    booking = Booking.objects.filter(session=session, user=user, status=Booking.Status.CONFIRMED).first()
    if booking is None:
        return
    fields = []
    if joined_at is not None:
        if booking.joined_room_at is None:
            booking.joined_room_at = joined_at
            fields.append("joined_room_at")
        booking.attendance = Booking.Attendance.ATTENDED
        booking.left_room_at = None
        fields += ["attendance", "left_room_at"]
    if left_at is not None:
        booking.left_room_at = left_at
        fields.append("left_room_at")
    if fields:
        booking.save(update_fields=[*fields, "updated_at"])
