"""What the privacy work keeps: anonymous per-session totals that outlive
per-person attendance detail. (The audit log lives in `audit`, below every
app that records into it.)"""

from django.db import models
from django.utils import timezone

from groups.models import GroupSession


class SessionAttendanceSummary(models.Model):
    """Anonymous totals of one session's bookings, written by the retention
    purge just before the per-person bookings are deleted, so reports can
    still count places and attendance of old sessions.

    Each booking counts once: in `confirmed` (a place held at the session,
    split into attended, no_show and not_recorded), in `cancelled` (a place
    given up) or in `waitlisted_never_placed` (queued, never given a place).
    """

    session = models.OneToOneField(GroupSession, on_delete=models.CASCADE, related_name="attendance_summary")
    confirmed = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    not_recorded = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    late_cancelled = models.PositiveIntegerField(default=0)  # within 24 hours of the start
    waitlisted_never_placed = models.PositiveIntegerField(default=0)
    summarised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "session attendance summaries"

    def __str__(self) -> str:
        return f"Attendance summary of session {self.session_id}"
