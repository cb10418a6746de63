"""What the privacy work keeps: who looked at or changed personal data (the
audit log), and anonymous per-session totals that outlive per-person
attendance detail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from groups.models import GroupSession


class AuditEvent(models.Model):
    """One access to personal data, or one admin action: who, what, when.

    Never content: `object_code` is a public code (or, for a model without
    one, its primary key) and never free text; the IP address is kept only as
    a keyed hash, enough to tell two events from the same place apart.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_role = models.CharField(max_length=20)  # the role at the time: roles change
    action = models.CharField(max_length=40)  # a short code, e.g. "roster.view"
    object_type = models.CharField(max_length=60, blank=True)  # "app_label.model"
    object_code = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip_hash = models.CharField(max_length=32, blank=True)
    # The admin log entry this event mirrors: recording it twice is impossible.
    admin_log_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["admin_log_id"], condition=Q(admin_log_id__isnull=False), name="auditevent_admin_log_once"
            ),
        ]
        indexes = [
            # the admin list, newest first, and the retention purge
            models.Index(fields=["-at"], name="auditevent_at"),
            # one person's access history
            models.Index(fields=["actor", "-at"], name="auditevent_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_code}".strip()


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
