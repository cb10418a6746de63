"""Moving a group to another programme. Only a group without a history may
move: no bookings (of any status), applications or members, feedback,
registers or accepted ground rules, and no session that has started. Those
rows are people's and figures of the programme they were made in (its
reports, its admins' view), so a group that has any stays; its programme's
admins make a new group in the other programme instead.

Who may move a group: an installation admin, or someone who runs both
programmes. Its facilitators must facilitate in the new programme too, so
nobody silently loses (or gains) a group to run. Nothing changes on any
refusal; a move is in the audit log of the group and of the programme it
joins."""

from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.services import live_rooms_recheck
from audit.services import audit_record
from groups.models import GroupSession, PeerGroup
from programmes.access import facilitator_programme_ids, is_admin_of
from programmes.models import Programme
from signups.models import Booking, Feedback, GroundRulesAcceptance, Membership, SessionRegister


def move_history(group: PeerGroup, *, now: datetime | None = None) -> list[str]:
    """What keeps the group in its programme, in words ("bookings", ...); empty when it may move."""
    now = now or timezone.now()
    kinds: list[tuple[str, QuerySet[Any]]] = [
        ("bookings", Booking.objects.filter(session__group=group)),
        ("applications or members", Membership.objects.filter(group=group)),
        ("sessions that have already started", GroupSession.objects.filter(group=group, starts_at__lte=now)),
        ("feedback", Feedback.objects.filter(session__group=group)),
        ("registers", SessionRegister.objects.filter(session__group=group)),
        ("people who accepted its ground rules", GroundRulesAcceptance.objects.filter(ground_rules__group=group)),
    ]
    return [words for words, rows in kinds if rows.exists()]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def move_refusal(group: PeerGroup, programme: Programme, *, now: datetime | None = None) -> str | None:
    """Why the group cannot move to `programme`, in words for the admin; None when it can."""
    if programme.pk == group.programme_id:
        return f"This group is already in {programme.name}."
    if history := move_history(group, now=now):
        return (f"This group cannot move: it has {_and(history)}. They belong to {group.programme.name}, "
                f"so the group stays there. Create a new group in {programme.name} instead.")
    outside = [f.user for f in group.facilitation_set.select_related("user").order_by("added_at", "pk")
               if programme.pk not in facilitator_programme_ids(f.user)]
    if outside:
        names = _and([user.display_name or "A facilitator without a display name" for user in outside])
        return (f"{names} {'does' if len(outside) == 1 else 'do'} not facilitate in {programme.name}. "
                f"Invite them to {programme.name} as a facilitator first, or remove them from the group.")
    return None


@transaction.atomic
def group_programme_move(*, group: PeerGroup, programme: Programme, actor: User,
                         request: HttpRequest | None = None, now: datetime | None = None) -> PeerGroup:
    """Move a group without a history to another programme, or raise
    ValidationError saying why not (nothing changed)."""
    if not (is_admin_of(actor, cast(int, group.programme_id)) and is_admin_of(actor, programme.pk)):
        raise PermissionDenied("Only someone who runs both programmes moves a group between them.")
    # The group's row, then its sessions' in the one order every booking
    # takes them: a booking or application cannot slip in between the
    # check and the move.
    group = PeerGroup.objects.select_for_update().select_related("programme").get(pk=group.pk)
    sessions = list(GroupSession.objects.filter(group=group).order_by("pk").select_for_update())
    if refusal := move_refusal(group, programme, now=now):
        raise ValidationError(refusal, code="refused")
    group.programme = programme
    group.save(update_fields=["programme", "updated_at"])
    audit_record(actor=actor, action="group.programme_move", obj=group, request=request)
    audit_record(actor=actor, action="programme.group_moved_in", obj=programme, request=request)
    for session in sessions:  # anyone in a live room is authorised afresh
        live_rooms_recheck(session_code=session.code)
    return group
