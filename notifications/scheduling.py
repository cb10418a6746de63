"""When reminders are due, and the stamps that make each message unique.

"A day before" means the same London wall-clock time on the previous day, so
across a clock change the reminder still comes at the time the session starts
("tomorrow at 12:45pm" arrives at 12:45pm), not 23 or 25 hours before. "An hour
before" is 60 real minutes.
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from notifications.models import Kind

LONDON = timezone.get_default_timezone()


def reminder_due_at(kind: str, starts_at: datetime) -> datetime:
    if kind == Kind.REMINDER_24H:
        wall = starts_at.astimezone(LONDON)
        # Replacing the date keeps the wall-clock time; a time that does not
        # exist on that day (inside a spring-forward gap) resolves forwards.
        day_before = (wall - timedelta(days=1)).replace(tzinfo=None)
        return day_before.replace(tzinfo=LONDON).astimezone(UTC)
    if kind == Kind.REMINDER_1H:
        return starts_at.astimezone(UTC) - timedelta(hours=1)  # real minutes, not wall-clock
    raise ValueError(f"not a reminder: {kind}")


def reminder_stamp(starts_at: datetime) -> str:
    """A reminder is for one start time: moving the session makes a new one."""
    return starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def change_stamp(starts_at: datetime, changed_at: datetime | None, previous: datetime | None = None) -> str:
    """One per facilitator change, so moving twice tells people twice, and a
    repeated signal for the same change tells them once. A move also carries
    the time it moved from, so the message can give the old and the new time."""
    changed = int((changed_at or starts_at).timestamp() * 1_000_000)
    stamp = f"{reminder_stamp(starts_at)}/{changed}"
    return f"{stamp}/{reminder_stamp(previous)}" if previous else stamp


def stamp_previous_start(stamp: str) -> datetime | None:
    """The time a "moved" message's session moved from, if its stamp has one."""
    parts = stamp.split("/")
    try:
        return datetime.strptime(parts[2], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if len(parts) == 3 else None
    except ValueError:
        return None


def event_stamp(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ") if moment else ""
