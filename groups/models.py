from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.codes import new_code
from groups.formats import Format, Frequency, Membership
from programmes.models import Programme, default_programme_pk


class PeerGroup(models.Model):
    """A facilitated peer-support group (not a django.contrib.auth group)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Delivery(models.TextChoices):
        ONLINE = "online", "Online, in this service's own room"
        EXTERNAL = "external", "Online, through another meeting link"
        IN_PERSON = "in_person", "In person"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    # Whose group it is: its admins manage it, its facilitators run it, and
    # only people eligible for the programme see it (programmes.access).
    # Created without one, a group joins the installation's default programme.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups",
                                  default=default_programme_pk)
    title = models.CharField(max_length=120)
    format = models.CharField(max_length=20, choices=Format.choices)
    description = models.TextField(max_length=4000)
    membership = models.CharField(max_length=10, choices=Membership.choices)
    intake_open = models.BooleanField(default=True)  # closed groups: taking applications
    joining_conversation = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField()
    duration_minutes = models.PositiveIntegerField()
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.ONLINE)
    external_url = models.URLField(max_length=500, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    lobby_enabled = models.BooleanField(default=True)
    video_enabled = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # When it was archived and from which status, so archiving can be undone
    # while no session has passed since (groups.services.group_restore).
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_from = models.CharField(max_length=10, choices=Status.choices, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Facilitation", related_name="facilitated_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="peergroup_capacity_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="peergroup_duration_positive"),
        ]
        indexes = [
            # browse: published groups of a format
            models.Index(fields=["status", "format"], name="peergroup_status_format"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.membership == Membership.CLOSED

    @property
    def current_ground_rules(self) -> "GroundRules | None":
        return self.ground_rules.order_by("-version").first()


class Facilitation(models.Model):
    # Named in the "remove co-facilitator" URL, so random like every public code.
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="facilitation_unique")]


class Eligibility(models.Model):
    """Who a group is for. A group with no rows of a kind is open to all of that kind."""

    class Kind(models.TextChoices):
        PROFESSION = "profession", "Profession"
        CAREER_STAGE = "career_stage", "Career stage"

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="eligibility")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "kind", "value"], name="eligibility_unique")
        ]


class GroundRules(models.Model):
    """A group's confidentiality agreement. Editing makes a new version, which
    members accept again before their next booking."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="ground_rules")
    version = models.PositiveIntegerField()
    text = models.TextField(max_length=6000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="groundrules_version_unique")
        ]


class Schedule(models.Model):
    """When a group meets: an RFC 5545 rule evaluated in local wall-clock time."""

    group = models.OneToOneField(PeerGroup, on_delete=models.CASCADE, related_name="schedule")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    first_date = models.DateField()
    start_time = models.TimeField()  # wall-clock time in `timezone`
    timezone = models.CharField(max_length=40, default="Europe/London")
    count = models.PositiveIntegerField(null=True, blank=True)  # a programme of N sessions
    until = models.DateField(null=True, blank=True)  # or until a date; neither = ongoing
    materialised_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(until__isnull=True),
                name="schedule_count_or_until",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("first_date")),
                name="schedule_until_after_start",
            ),
        ]


# What an emailed or subscribed calendar shows of a session: a change to any
# of them raises GroupSession.sequence.
CALENDAR_FIELDS = ("starts_at", "ends_at", "status")


class GroupSession(models.Model):
    """One meeting of a group ("session" in the product; not an HTTP session)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="sessions")
    # The start the schedule's rule gave this session, in UTC. A moved session
    # keeps it, so re-materialising recognises it and leaves the move alone.
    # Null for a session added by hand.
    occurrence = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    is_exception = models.BooleanField(default=False)  # moved or cancelled by hand
    capacity = models.PositiveIntegerField(null=True, blank=True)  # overrides the group's
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # Cancelled by archiving its group: restoring the group brings it back.
    cancelled_by_archive = models.BooleanField(default=False)
    # The iCalendar SEQUENCE: calendar clients keep the copy with the highest,
    # so it rises by one with every change a calendar shows (see save()).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="session_starts_before_ends"),
            models.UniqueConstraint(
                fields=["group", "occurrence"], name="session_occurrence_unique",
                condition=Q(occurrence__isnull=False),
            ),
        ]
        indexes = [
            # upcoming sessions of a group; next session per group on browse
            models.Index(fields=["group", "starts_at"], name="session_group_starts"),
            # sweeps over sessions starting or ending soon
            models.Index(fields=["starts_at"], name="session_starts"),
            # reports: sessions held (scheduled, ended) in a period
            models.Index(fields=["status", "starts_at"], name="session_status_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.group} at {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        """Raise `sequence` by one whenever the time or status changes, whichever
        service saves it (a move, a cancellation, a schedule edit), like
        `auto_now` for `updated_at`. QuerySet.update() bypasses it."""
        saved = getattr(self, "_calendar_saved", None)
        changed = saved is not None and self._calendar_state() != saved
        if changed:
            self.sequence = F("sequence") + 1  # two changes at once both count
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "sequence"]
        super().save(*args, **kwargs)
        if changed:
            self.refresh_from_db(fields=["sequence"])
        self._calendar_saved = self._calendar_state()

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        session = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        session._calendar_saved = session._calendar_state()
        return session

    def _calendar_state(self) -> tuple | None:
        loaded = self.__dict__
        if any(name not in loaded for name in CALENDAR_FIELDS):
            return None  # deferred: such a save cannot change them
        return tuple(loaded[name] for name in CALENDAR_FIELDS)

    @property
    def effective_capacity(self) -> int:
        return self.capacity or self.group.capacity

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED
