"""Retention: per-person detail is kept only as long as it is useful.

* Bookings of sessions that started more than RETENTION_ATTENDANCE_MONTHS ago
  (default 24) are folded into an anonymous `SessionAttendanceSummary` and
  deleted, with the room visits of those sessions.
* Feedback comments given more than RETENTION_FEEDBACK_COMMENT_MONTHS ago
  (default 12) are blanked; the helpfulness score stays.
* Audit events and admin log entries older than RETENTION_AUDIT_MONTHS
  (default 24) are deleted.

Months are calendar months in Europe/London. Safe to run twice, or twice at
once: each session is summarised under its row lock, skipping a session
another run holds, and everything else is a plain UPDATE or DELETE.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_sync_admin_log
from groups.models import GroupSession
from privacy.models import SessionAttendanceSummary
from signups.models import Booking, Feedback

CONFIRMED = Q(status=Booking.Status.CONFIRMED)
NEVER_PLACED = Q(status=Booking.Status.WAITLISTED) | Q(
    status=Booking.Status.CANCELLED, confirmed_at__isnull=True, queued_at__isnull=False
)
CANCELLED = Q(status=Booking.Status.CANCELLED) & ~NEVER_PLACED
TALLIES = {
    "confirmed": CONFIRMED,
    "attended": CONFIRMED & Q(attendance=Booking.Attendance.ATTENDED),
    "no_show": CONFIRMED & Q(attendance=Booking.Attendance.NO_SHOW),
    "not_recorded": CONFIRMED & Q(attendance=Booking.Attendance.UNKNOWN),
    "cancelled": CANCELLED,
    "late_cancelled": CANCELLED & Q(late_cancellation=True),
    "waitlisted_never_placed": NEVER_PLACED,
}


@dataclass
class PurgeResult:
    sessions_summarised: int = 0
    bookings_deleted: int = 0
    room_visits_deleted: int = 0
    comments_blanked: int = 0
    audit_events_deleted: int = 0
    admin_log_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def retention_months(name: str) -> int:
    """A retention period from settings (the defaults live there), at least a month."""
    return max(1, int(getattr(settings, name)))


def retention_cutoff(name: str, *, now: datetime) -> datetime:
    """`now` less the setting's months, counted on the London calendar and clock."""
    cutoff: datetime = timezone.localtime(now) - relativedelta(months=retention_months(name))
    return cutoff


def retention_purge(*, now: datetime | None = None) -> PurgeResult:
    """Apply every retention period (see the module's docstring). Each step
    commits on its own, so a failure part-way keeps what was done."""
    now = now or timezone.now()
    result = PurgeResult()
    attendance_cutoff = retention_cutoff("RETENTION_ATTENDANCE_MONTHS", now=now)
    session_ids = (
        Booking.objects.filter(session__starts_at__lt=attendance_cutoff, session__ends_at__lte=now)
        .values_list("session_id", flat=True).distinct().order_by("session_id")
    )
    for session_id in list(session_ids):
        deleted = _summarise_session(session_id, now=now)
        result.sessions_summarised += bool(deleted)
        result.bookings_deleted += deleted
    result.room_visits_deleted = _delete_room_visits(attendance_cutoff)
    result.comments_blanked = _blank_feedback_comments(now)
    result.audit_events_deleted, result.admin_log_deleted = _purge_audit(now)
    return result


@transaction.atomic
def _summarise_session(session_id: int, *, now: datetime) -> int:
    """Fold one session's bookings into its summary and delete them; 0 when
    another run holds the session or already did it."""
    locked = GroupSession.objects.select_for_update(skip_locked=True).filter(pk=session_id).first()
    if locked is None:
        return 0
    bookings = Booking.objects.filter(session_id=session_id)
    counts = bookings.aggregate(total=Count("pk"), **{k: Count("pk", filter=q) for k, q in TALLIES.items()})
    total: int = counts.pop("total")
    if not total:
        return 0
    SessionAttendanceSummary.objects.get_or_create(session_id=session_id, defaults={"summarised_at": now})
    # Added to, not replaced: a booking is counted only just before it goes.
    SessionAttendanceSummary.objects.filter(session_id=session_id).update(
        summarised_at=now, **{name: F(name) + value for name, value in counts.items()}
    )
    bookings.delete()  # their notifications go with them
    return total


@transaction.atomic
def _delete_room_visits(cutoff: datetime) -> int:
    """Who was in the live room of an old session, and when."""
    if not apps.is_installed("rooms"):
        return 0
    presence = apps.get_model("rooms", "Presence")
    _, per_model = presence.objects.filter(room__session__starts_at__lt=cutoff).delete()
    return per_model.get(presence._meta.label, 0)


@transaction.atomic
def _blank_feedback_comments(now: datetime) -> int:
    """Feedback is dated, not timed, so whole London days older than the period."""
    cutoff = retention_cutoff("RETENTION_FEEDBACK_COMMENT_MONTHS", now=now).date()
    return Feedback.objects.filter(given_on__lt=cutoff).exclude(comment="").update(comment="")


@transaction.atomic
def _purge_audit(now: datetime) -> tuple[int, int]:
    cutoff = retention_cutoff("RETENTION_AUDIT_MONTHS", now=now)
    audit_sync_admin_log(since=cutoff)  # admin deletions of several objects send no signal
    events, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    entries, _ = LogEntry.objects.filter(action_time__lt=cutoff).delete()
    return events, entries
