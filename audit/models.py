"""The audit log: who looked at or changed personal data, what and when."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
        # Kept under its first name: the model moved here from `privacy`.
        db_table = "privacy_auditevent"
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
