"""Groups themselves: creating, editing, publishing, archiving, facilitators."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.services import live_rooms_recheck
from groups.formats import Membership, capacity_error, defaults_for, minutes_error
from groups.models import Eligibility, Facilitation, GroundRules, GroupSession, PeerGroup
from groups.places import HOLDING
from groups.recurrence import ScheduleSpec
from groups.services.schedules import schedule_save, sessions_materialise
from groups.services.sessions import session_cancel, session_restore
from groups.signals import capacity_changed
from programmes.access import facilitated_programmes, facilitates_in
from programmes.models import Programme

# Fields a facilitator sets directly on PeerGroup.
GROUP_FIELDS = ("title", "format", "description", "membership", "intake_open", "capacity",
                "duration_minutes", "delivery", "external_url", "venue")


@dataclass(frozen=True)
class GroupDetails:
    """A group as a facilitator described it (already cleaned by the form)."""

    values: dict[str, Any]  # GROUP_FIELDS
    ground_rules: str
    professions: list[str] = field(default_factory=list)  # empty: all staff
    career_stages: list[str] = field(default_factory=list)


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
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
    confirmed (`groups.services.schedule_plan`); refused if it has changed."""
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
        transaction.on_commit(partial(capacity_changed.send, sender=PeerGroup, group=group, session=None), robust=True)
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


def archive_preview(*, group: PeerGroup, now: datetime | None = None) -> tuple[int, int]:
    """What archiving would do: (future sessions cancelled, places and
    waiting-list entries whose holders are told; one person at several
    sessions counts at each)."""
    future = group.sessions.filter(starts_at__gt=now or timezone.now(), status=GroupSession.Status.SCHEDULED)
    counts = future.aggregate(
        sessions=Count("pk", distinct=True),
        people=Count("bookings", filter=Q(bookings__status__in=HOLDING)),
    )
    return counts["sessions"], counts["people"]


ARCHIVED_REASON = "The group has ended"


@transaction.atomic
def group_archive(*, group: PeerGroup, now: datetime | None = None) -> PeerGroup:
    """Hide the group and cancel its future sessions (people with places are
    told). Undone by `group_restore` while no session has passed since."""
    now = now or timezone.now()
    PeerGroup.objects.select_for_update().filter(pk=group.pk).first()  # one archive or restore at a time
    group.refresh_from_db(fields=["status", "archived_at", "archived_from"])
    if group.status == PeerGroup.Status.ARCHIVED:
        return group
    group.archived_from, group.archived_at = group.status, now
    group.status = PeerGroup.Status.ARCHIVED
    group.save(update_fields=["status", "archived_from", "archived_at", "updated_at"])
    future = group.sessions.filter(starts_at__gt=now, status=GroupSession.Status.SCHEDULED)
    for session in future:
        session_cancel(session=session, reason=ARCHIVED_REASON)
        GroupSession.objects.filter(pk=session.pk).update(cancelled_by_archive=True)
    for code in group.sessions.filter(starts_at__lte=now, ends_at__gt=now).values_list("code", flat=True):
        live_rooms_recheck(session_code=code)  # under way: members may no longer see the group
    return group


def restore_refusal(group: PeerGroup, *, now: datetime | None = None) -> str | None:
    """Why an archived group can no longer be restored, or None if it can:
    only while no session (held or cancelled) has started since archiving,
    so nobody is told a session is back after its time has gone."""
    if group.status != PeerGroup.Status.ARCHIVED:
        return "This group is not archived."
    if group.archived_at is None:
        return "This group was archived before archiving could be undone."
    passed = group.sessions.filter(starts_at__gt=group.archived_at, starts_at__lte=now or timezone.now())
    if passed.exists():
        return "A session has passed since the group was archived, so it can no longer be restored."
    return None


@transaction.atomic
def group_restore(*, group: PeerGroup, now: datetime | None = None) -> list[GroupSession]:
    """Undo archiving: the group goes back to how it was, and the sessions
    archiving cancelled are scheduled again with their places (nobody's
    booking was cancelled, so everyone holding one is told it is back on).
    Returns the sessions restored."""
    now = now or timezone.now()
    PeerGroup.objects.select_for_update().filter(pk=group.pk).first()
    group.refresh_from_db(fields=["status", "archived_at", "archived_from"])
    if refusal := restore_refusal(group, now=now):
        raise ValidationError(refusal)
    group.status = group.archived_from or PeerGroup.Status.DRAFT
    group.archived_at, group.archived_from = None, ""
    group.save(update_fields=["status", "archived_at", "archived_from", "updated_at"])
    restored = list(group.sessions.filter(cancelled_by_archive=True, starts_at__gt=now,
                                          status=GroupSession.Status.CANCELLED))
    for session in restored:
        session_restore(session=session)
    GroupSession.objects.filter(group=group, cancelled_by_archive=True).update(cancelled_by_archive=False)
    if group.status == PeerGroup.Status.PUBLISHED:
        sessions_materialise(group=group, now=now)  # any the horizon reached meanwhile
    return restored


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
