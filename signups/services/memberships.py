"""Closed groups: applications, decisions, members' standing places, leaving."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import live_rooms_recheck
from groups.models import GroupSession, PeerGroup
from signups import signals
from signups.errors import SignupRefused
from signups.models import Booking, Membership
from signups.selectors import join_facts, members_count
from signups.services.bookings import booking_cancel
from signups.services.rules import check_group_joinable, confirmed_count, lock_session

PENDING = (Membership.Status.APPLIED, Membership.Status.CONVERSATION)
DECISIONS = {
    "accept": Membership.Status.ACCEPTED,
    "conversation": Membership.Status.CONVERSATION,
    "decline": Membership.Status.DECLINED,
}


@transaction.atomic
def membership_apply(*, group: PeerGroup, user: User, note: str = "") -> Membership:
    """Apply to a closed group. Applying again while pending or a member
    changes nothing; after withdrawing, declining or leaving, the same row is
    reused for the new application."""
    if not group.is_closed:
        raise SignupRefused("This group is open: book a place at any session.", reason="open_group")
    if group.facilitation_set.filter(user=user).exists():
        raise SignupRefused("You facilitate this group, so you do not need to apply.", reason="facilitator")
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is not None and membership.status in (*PENDING, Membership.Status.ACCEPTED):
        return membership
    if not group.intake_open:
        raise SignupRefused("This group is not taking new members at the moment.", reason="intake_closed")
    check_group_joinable(group=group, user=user, facts=join_facts(user=user, group=group))
    reused = membership is not None
    membership = membership or Membership(group=group, user=user)
    membership.status = Membership.Status.APPLIED
    membership.note = note[:1000]
    membership.response = ""
    membership.decided_at = None
    membership.left_at = None
    membership.save()
    if reused:  # this application's date, not the first one's
        membership.applied_at = timezone.now()
        Membership.objects.filter(pk=membership.pk).update(applied_at=membership.applied_at)
    signals.send_after_commit(signals.membership_applied, Membership, membership=membership)
    return membership


@transaction.atomic
def membership_withdraw(*, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status in PENDING:
        membership.status = Membership.Status.WITHDRAWN
        membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def membership_decide(
    *, membership: Membership, decision: str, response: str = "", now: datetime | None = None
) -> Membership:
    """A facilitator's decision on an application. Accepting locks the group
    row, so two facilitators accepting at once cannot exceed its capacity."""
    if decision not in DECISIONS:
        raise SignupRefused("Choose a decision.", reason="invalid")
    now = now or timezone.now()
    group = PeerGroup.objects.select_for_update().get(pk=membership.group_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in PENDING:
        raise SignupRefused("This application has already been decided or withdrawn.", reason="decided")
    status = DECISIONS[decision]
    if status == Membership.Status.ACCEPTED and members_count(group) >= group.capacity:
        raise SignupRefused(
            f"The group is full: it has {group.capacity} members, its capacity.", reason="group_full"
        )
    membership.status = status
    membership.response = response[:1000]
    membership.decided_at = now
    membership.save(update_fields=["status", "response", "decided_at"])
    if status == Membership.Status.ACCEPTED:
        sessions = group.sessions.filter(starts_at__gt=now, status=GroupSession.Status.SCHEDULED)
        member_places_create(sessions=sessions, users=[membership.user], now=now)
    signals.send_after_commit(
        signals.membership_decided, Membership, membership=membership, decision=status.value
    )
    return membership


def member_places_create(*, sessions: Iterable[GroupSession], users: Iterable[User], now: datetime) -> list[Booking]:
    """Standing places for members at these sessions. A person who already
    holds or cancelled a place at one keeps their own choice."""
    users = list(users)
    created = []
    for session in sorted(sessions, key=lambda s: s.pk):  # one lock order everywhere: no deadlocks
        session = lock_session(session)
        if session.is_cancelled or session.starts_at <= now:
            continue
        have = set(Booking.objects.filter(session=session, user__in=users).values_list("user_id", flat=True))
        free = session.effective_capacity - confirmed_count(session)
        for user in users:
            if user.pk in have:
                continue
            # A session given a smaller capacity than the group's: members queue.
            status = Booking.Status.CONFIRMED if free > 0 else Booking.Status.WAITLISTED
            free -= 1
            created.append(Booking.objects.create(
                session=session, user=user, status=status, via_membership=True,
                confirmed_at=now if status == Booking.Status.CONFIRMED else None,
                queued_at=None if status == Booking.Status.CONFIRMED else now,
            ))
    return created


@transaction.atomic
def group_members_place(*, group: PeerGroup, sessions: Iterable[GroupSession],
                        now: datetime | None = None) -> list[Booking]:
    """New sessions of a closed group: every member gets a place."""
    if not group.is_closed:
        return []
    members = [m.user for m in Membership.objects.filter(group=group, status=Membership.Status.ACCEPTED)
               .select_related("user")]
    if not members:
        return []
    return member_places_create(sessions=sessions, users=members, now=now or timezone.now())


@transaction.atomic
def membership_leave(*, membership: Membership, now: datetime | None = None) -> Membership:
    """A member leaves: their places at sessions still to come are given up
    (and pass to anyone waiting)."""
    now = now or timezone.now()
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.ACCEPTED:
        return membership
    membership.status = Membership.Status.LEFT
    membership.left_at = now
    membership.save(update_fields=["status", "left_at"])
    future = Booking.objects.filter(
        user=membership.user, session__group=membership.group, session__starts_at__gt=now,
        status__in=(Booking.Status.CONFIRMED, Booking.Status.WAITLISTED),
    ).order_by("session_id")
    for booking in future:
        booking_cancel(booking=booking, now=now, by_person=False)
    # A session under way keeps the place (for the register), not the room.
    live_rooms_recheck(user_id=membership.user_id)
    return membership


@transaction.atomic
def group_intake_set(*, group: PeerGroup, intake_open: bool) -> PeerGroup:
    """Open or close a closed group to new applications."""
    PeerGroup.objects.filter(pk=group.pk).update(intake_open=intake_open, updated_at=timezone.now())
    group.intake_open = intake_open
    return group
