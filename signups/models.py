from django.conf import settings
from django.db import models
from django.db.models import Q

from core.codes import new_code
from groups.models import GroundRules, GroupSession, PeerGroup
from groups.places import PlaceStatus


class Booking(models.Model):
    """A person's place (or place in the queue) at one session.

    One row per person per session for its whole life: booking again after
    cancelling reuses the row, so the unique constraint always holds.
    """

    Status = PlaceStatus  # declared in groups, which counts places without importing sign-ups

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", "Not yet recorded"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=12, choices=Status.choices)
    # First come, first served: the waitlist is ordered by this time.
    queued_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN)
    joined_room_at = models.DateTimeField(null=True, blank=True)
    left_room_at = models.DateTimeField(null=True, blank=True)
    feedback_given = models.BooleanField(default=False)
    via_membership = models.BooleanField(default=False)  # a closed group's standing place
    # Raised by one each time the person cancels or books again: an emailed
    # calendar file's SEQUENCE is the session's plus this, so it rises by one
    # with every change the person's calendar entry sees (signups.ical).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="booking_one_per_person_session"),
        ]
        indexes = [
            # places taken and waitlist order of one session
            models.Index(fields=["session", "status", "queued_at"], name="booking_session_status_queue"),
            # My sessions
            models.Index(fields=["user", "status"], name="booking_user_status"),
            # reports: whether a person attended anything before a period ("new" participants)
            models.Index(
                fields=["user", "session"], name="booking_user_attended",
                condition=Q(status="confirmed", attendance="attended"),
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.code}"


class Membership(models.Model):
    """An application to, and then membership of, a closed group."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        CONVERSATION = "conversation", "Joining conversation arranged"
        ACCEPTED = "accepted", "Member"
        DECLINED = "declined", "Not offered a place"
        WITHDRAWN = "withdrawn", "Application withdrawn"
        LEFT = "left", "Left the group"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.APPLIED)
    note = models.TextField(max_length=1000, blank=True)  # from the applicant
    response = models.TextField(max_length=1000, blank=True)  # from the facilitator
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_one_per_person_group"),
        ]
        indexes = [
            models.Index(fields=["group", "status"], name="membership_group_status"),
        ]


class GroundRulesAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ground_rules_accepted")
    ground_rules = models.ForeignKey(GroundRules, on_delete=models.CASCADE, related_name="acceptances")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ground_rules"], name="groundrules_accepted_once"),
        ]


class CalendarFeed(models.Model):
    """A person's private calendar subscription URL; the token can be replaced."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)


class Feedback(models.Model):
    """Anonymous feedback: no link to the person, and only the date it was given
    (a timestamp could be matched against a booking's)."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="feedback")
    helpfulness = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=2000, blank=True)
    given_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(helpfulness__gte=1) & Q(helpfulness__lte=5), name="feedback_helpfulness_1_to_5"
            ),
        ]


class SessionRegister(models.Model):
    """That a session's register was taken. A facilitator's register is final
    word on attendance; the sweep after a session ends (`automatic`) only turns
    unrecorded places into no-shows, so people may still give feedback."""

    session = models.OneToOneField(GroupSession, on_delete=models.CASCADE, related_name="register")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField()
    automatic = models.BooleanField(default=False)
