from django.conf import settings
from django.db import models
from django.db.models import Q

from core.codes import new_code


class Kind(models.TextChoices):
    BOOKING_CONFIRMED = "booking_confirmed", "Place booked"
    REMINDER_24H = "reminder_24h", "Reminder a day before"
    REMINDER_1H = "reminder_1h", "Reminder an hour before"
    WAITLIST_PROMOTED = "waitlist_promoted", "Place from the waiting list"
    SESSION_MOVED = "session_moved", "Session moved"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    APPLICATION_ACCEPTED = "application_accepted", "Application accepted"
    APPLICATION_DECLINED = "application_declined", "Application not accepted"
    FEEDBACK_INVITATION = "feedback_invitation", "Feedback invitation"
    BOOKING_CANCELLED = "booking_cancelled", "Place cancelled"
    APPLICATION_RECEIVED = "application_received", "New application"
    SESSION_RESTORED = "session_restored", "Session back on"


REMINDER_KINDS = (Kind.REMINDER_24H, Kind.REMINDER_1H)
MEMBERSHIP_KINDS = (Kind.APPLICATION_ACCEPTED, Kind.APPLICATION_DECLINED, Kind.APPLICATION_RECEIVED)
# "Unread" means "needs you": something changed that the person did not do,
# or something is asked of them. The rest (a place they booked or cancelled
# themselves, reminders of what they already know) confirm what they did and
# are read on arrival: they are in the list, never in the count.
NEEDS_YOU = (Kind.WAITLIST_PROMOTED, Kind.SESSION_MOVED, Kind.SESSION_CANCELLED, Kind.SESSION_RESTORED,
             Kind.APPLICATION_ACCEPTED,
             Kind.APPLICATION_DECLINED, Kind.APPLICATION_RECEIVED, Kind.FEEDBACK_INVITATION)


class Notification(models.Model):
    """One message to one person: an email and an entry in their list.

    Rows are the schedule: the sweep claims due rows, so nothing depends on a
    broker message surviving. A row moves pending -> sending (claimed, with a
    lease) -> sent, or -> skipped (no longer true or wanted), or back to
    pending with a later due time after a failed attempt, and -> failed after
    too many attempts (visible in the admin).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent (no longer needed)"
        FAILED = "failed", "Failed: needs attention"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    booking = models.ForeignKey(
        "signups.Booking", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    membership = models.ForeignKey(
        "signups.Membership", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Part of the once-only key: what this message is about, e.g. the session
    # start a reminder is for, or the change a "moved" message reports. Empty
    # where (booking, kind) alone is the event.
    stamp = models.CharField(max_length=64, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The lease: a claim older than the lease belongs to a lost worker and may
    # be taken again. Also the claim token checked when recording the outcome.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Error class or skip reason only: never message bodies or group topics.
    last_error = models.CharField(max_length=200, blank=True)
    shown_at = models.DateTimeField(null=True, blank=True)  # in the person's list from then on
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "stamp"],
                condition=Q(booking__isnull=False),
                name="notification_once_per_booking",
            ),
            models.UniqueConstraint(
                fields=["membership", "kind", "stamp"],
                condition=Q(membership__isnull=False),
                name="notification_once_per_membership",
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=True) ^ Q(membership__isnull=True),
                name="notification_about_one_thing",
            ),
        ]
        indexes = [
            # the sweep: due rows not yet finished, oldest first
            models.Index(
                fields=["due_at"], name="notification_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            # /healthz: the latest email attempts (notifications.selectors.outbound_mail_failing)
            models.Index(
                fields=["-claimed_at"], name="notification_attempted",
                condition=Q(claimed_at__isnull=False),
            ),
            # a person's list, newest first
            models.Index(fields=["user", "-shown_at"], name="notification_user_shown"),
            # the unread count in the header on every page
            models.Index(
                fields=["user"], name="notification_unread",
                condition=Q(shown_at__isnull=False, read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.code})"

    @property
    def is_unread(self) -> bool:
        """Needs the person and not yet seen (see NEEDS_YOU)."""
        return self.read_at is None and self.kind in NEEDS_YOU


class Preference(models.Model):
    """Which reminders a person wants. No row means the defaults (both on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminder_24h = models.BooleanField("A reminder the day before", default=True)
    reminder_1h = models.BooleanField("A reminder an hour before", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def wants(self, kind: str) -> bool:
        return {Kind.REMINDER_24H: self.reminder_24h, Kind.REMINDER_1H: self.reminder_1h}.get(kind, True)
