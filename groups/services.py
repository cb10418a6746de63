"""Everything that changes groups. Schedules and sessions: groups.scheduling."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import live_rooms_recheck
from groups.formats import Membership, capacity_error, defaults_for, minutes_error
from groups.models import Eligibility, Facilitation, GroundRules, GroupSession, PeerGroup
from groups.scheduling import ScheduleSpec, schedule_save, session_cancel, sessions_materialise
from groups.signals import capacity_changed
from programmes.access import facilitated_programmes, facilitates_in
from programmes.models import Programme

# Fields a facilitator sets directly on PeerGroup.
GROUP_FIELDS = ("title", "format", "description", "membership", "intake_open", "capacity",
                "duration_minutes", "delivery", "external_url", "venue")


@dataclass(frozen=True)
class GroupDetails:
    """A group as a facilitator described it (already cleaned by the form)."""

    values: dict  # GROUP_FIELDS
    ground_rules: str
    professions: list[str] = field(default_factory=list)  # empty: all staff
    career_stages: list[str] = field(default_factory=list)


def _check(values: dict) -> None:
    errors = {}
    if problem := capacity_error(values["format"], values["capacity"]):
        errors["capacity"] = problem
    if problem := minutes_error(values["format"], values["duration_minutes"]):
        errors["end_time"] = problem
    if values["delivery"] == PeerGroup.Delivery.IN_PERSON and not values.get("venue"):
        errors["venue"] = "Enter where the group meets"
    if values["delivery"] == PeerGroup.Delivery.EXTERNAL and not values.get("external_url", "").startswith("https://"):
        errors["external_url"] = "Enter the meeting link, starting with https://"
    if errors:
        raise ValidationError(errors)


def _eligibility_set(group: PeerGroup, details: GroupDetails) -> None:
    group.eligibility.all().delete()
    Eligibility.objects.bulk_create(
        [Eligibility(group=group, kind=Eligibility.Kind.PROFESSION, value=v) for v in details.professions]
        + [Eligibility(group=group, kind=Eligibility.Kind.CAREER_STAGE, value=v) for v in details.career_stages]
    )


def ground_rules_save(*, group: PeerGroup, text: str) -> GroundRules:
    """A new version when the text changed, so members can accept it again."""
    text = text.strip()
    current = group.current_ground_rules
    if current and current.text == text:
        return current
    version = current.version + 1 if current else 1
    return GroundRules.objects.create(group=group, version=version, text=text)


def _programme_for(facilitator: User, programme: Programme | None) -> Programme:
    """The programme a new group belongs to: the one chosen, which must be one
    the person facilitates in; none chosen, their only one."""
    if programme is not None:
        if not facilitates_in(facilitator, programme.pk):
            raise ValidationError({"programme": "You can only create groups in programmes you facilitate in"})
        return programme
    mine = list(facilitated_programmes(facilitator)[:2])
    if not mine:
        raise ValidationError("Only facilitators can create groups")
    if len(mine) > 1:
        raise ValidationError({"programme": "Select the programme this group belongs to"})
    return mine[0]


@transaction.atomic
def group_create(*, facilitator: User, details: GroupDetails, schedule: ScheduleSpec,
                 now: datetime | None = None, programme: Programme | None = None) -> PeerGroup:
    """A draft group in one of the facilitator's programmes, with them as its
    first facilitator, ground rules and sessions."""
    programme = _programme_for(facilitator, programme)
    _check(details.values)
    defaults = defaults_for(details.values["format"])
    group = PeerGroup.objects.create(
        programme=programme,
        **{k: details.values[k] for k in GROUP_FIELDS if k in details.values},
        joining_conversation=defaults.joining_conversation and details.values["membership"] == Membership.CLOSED,
        lobby_enabled=defaults.lobby, video_enabled=defaults.video,
    )
    Facilitation.objects.create(group=group, user=facilitator)
    ground_rules_save(group=group, text=details.ground_rules)
    _eligibility_set(group, details)
    schedule_save(group=group, spec=schedule, now=now)
    return group


@transaction.atomic
def group_update(*, group: PeerGroup, details: GroupDetails, schedule: ScheduleSpec,
                 now: datetime | None = None, expected_plan: str | None = None) -> PeerGroup:
    """Save edits; a raised capacity is announced so people waiting can be promoted.
    `expected_plan`: the fingerprint of the schedule plan the facilitator
    confirmed (`groups.scheduling.schedule_plan`); refused if it has changed."""
    group = PeerGroup.objects.select_for_update().get(pk=group.pk)
    values = {k: details.values.get(k, getattr(group, k)) for k in GROUP_FIELDS}
    if group.status != PeerGroup.Status.DRAFT:
        # Members and bookings depend on these once people can join.
        values["format"], values["membership"] = group.format, group.membership
    _check(values)
    raised = values["capacity"] > group.capacity
    for name, value in values.items():
        setattr(group, name, value)
    group.save()
    ground_rules_save(group=group, text=details.ground_rules)
    _eligibility_set(group, details)
    schedule_save(group=group, spec=schedule, now=now, expected=expected_plan)
    if raised:
        transaction.on_commit(lambda: capacity_changed.send(sender=PeerGroup, group=group, session=None))
    return group


NO_SESSIONS = ("This group has no upcoming sessions, so nobody could join it. "
               "Edit its schedule so that it has a session in the future, then publish it.")


@transaction.atomic
def group_publish(*, group: PeerGroup, now: datetime | None = None) -> PeerGroup:
    """Publish a draft that has at least one upcoming session."""
    now = now or timezone.now()
    if group.status != PeerGroup.Status.DRAFT:
        raise ValidationError("Only a draft group can be published")
    sessions_materialise(group=group, now=now)
    if not group.sessions.filter(status=GroupSession.Status.SCHEDULED, starts_at__gt=now).exists():
        raise ValidationError(NO_SESSIONS, code="no_sessions")
    group.status = PeerGroup.Status.PUBLISHED
    group.save(update_fields=["status", "updated_at"])
    return group


@transaction.atomic
def group_archive(*, group: PeerGroup, now: datetime | None = None) -> PeerGroup:
    """Hide the group and cancel its future sessions (people with places are told)."""
    now = now or timezone.now()
    group.status = PeerGroup.Status.ARCHIVED
    group.save(update_fields=["status", "updated_at"])
    future = group.sessions.filter(starts_at__gt=now, status=GroupSession.Status.SCHEDULED)
    for session in future:
        session_cancel(session=session, reason="The group has ended")
    for code in group.sessions.filter(starts_at__lte=now, ends_at__gt=now).values_list("code", flat=True):
        live_rooms_recheck(session_code=code)  # under way: members may no longer see the group
    return group


@transaction.atomic
def facilitator_add(*, group: PeerGroup, email: str) -> Facilitation:
    """Add a co-facilitator: a person who holds the facilitator role."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not facilitates_in(user, group.programme.pk):
        raise ValidationError({"email": "There is no facilitator with this email address in this group's "
                                        "programme. The programme's admins can invite them."})
    facilitation, created = Facilitation.objects.get_or_create(group=group, user=user)
    if not created:
        raise ValidationError({"email": "This person already facilitates this group"})
    return facilitation


@transaction.atomic
def facilitator_remove(*, group: PeerGroup, facilitation: Facilitation) -> None:
    """Remove a facilitator, but never the last one."""
    # Lock the group so two removals at once cannot leave it with none.
    PeerGroup.objects.select_for_update().filter(pk=group.pk).first()
    if Facilitation.objects.filter(group=group).count() <= 1:
        raise ValidationError("A group always has at least one facilitator")
    facilitation.delete()
    live_rooms_recheck(user_id=facilitation.user_id)
