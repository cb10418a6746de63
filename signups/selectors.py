"""Reads of sign-ups. Other apps' pages use these to show a person's state."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from groups.models import GroundRules, GroupSession, PeerGroup
from signups.models import Booking, Feedback, GroundRulesAcceptance, Membership


def bookings_for_user(*, user, sessions: Iterable[GroupSession]) -> dict[int, Booking]:
    """This person's booking (any status) for each of these sessions, by session id."""
    ids = [s.pk for s in sessions]
    if not user.is_authenticated or not ids:
        return {}
    return {b.session_id: b for b in Booking.objects.filter(user=user, session_id__in=ids)}


def membership_for_user(*, user, group: PeerGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group=group).first()


def ground_rules_pending(*, user, group: PeerGroup) -> GroundRules | None:
    """The group's current ground rules when this person has not yet agreed to them."""
    rules = group.current_ground_rules
    if rules is None or GroundRulesAcceptance.objects.filter(user=user, ground_rules=rules).exists():
        return None
    return rules


def places_left(session: GroupSession) -> int:
    """The annotation when the caller made it, else a count."""
    left = getattr(session, "places_left", None)
    if left is None:
        taken = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count()
        left = session.effective_capacity - taken
    return max(left, 0)


def waitlist_position(booking: Booking) -> int | None:
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(session_id=booking.session_id, status=Booking.Status.WAITLISTED).filter(
        Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def _with_position(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    ahead = (
        Booking.objects.filter(
            session_id=OuterRef("session_id"), status=Booking.Status.WAITLISTED, queued_at__lt=OuterRef("queued_at")
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return bookings.annotate(
        position=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1
    )


@dataclass
class MySessions:
    upcoming: list[Booking]
    waiting: list[Booking]
    past: list[Booking]
    memberships: list[Membership]


def my_sessions(*, user, now: datetime, past_limit: int = 20) -> MySessions:
    """Everything on My sessions, in a fixed number of queries."""
    mine = Booking.objects.filter(user=user).select_related("session__group")
    upcoming = mine.filter(status=Booking.Status.CONFIRMED, session__ends_at__gt=now).order_by("session__starts_at")
    waiting = _with_position(
        mine.filter(status=Booking.Status.WAITLISTED, session__ends_at__gt=now)
    ).order_by("session__starts_at")
    past = (
        mine.filter(session__ends_at__lte=now)
        .exclude(status=Booking.Status.WAITLISTED)
        .select_related("session__register")
    )
    memberships = (
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.WITHDRAWN)
        .select_related("group")
        .order_by("-applied_at")
    )
    return MySessions(
        upcoming=list(upcoming),
        waiting=list(waiting),
        past=list(past.order_by("-session__starts_at")[:past_limit]),
        memberships=list(memberships),
    )


def applications_for_group(group: PeerGroup) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group).select_related("user").order_by("applied_at")


def members_count(group: PeerGroup) -> int:
    return Membership.objects.filter(group=group, status=Membership.Status.ACCEPTED).count()


def register_bookings(session: GroupSession) -> QuerySet[Booking]:
    """Confirmed places of a session, by display name, for the register."""
    return (
        Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


def feedback_for_group(group: PeerGroup, *, now: datetime) -> list[GroupSession]:
    """Past sessions with feedback: each with `responses`, `average`, `scores`
    (count per helpfulness 1..5) and `comments`. Comments are ordered by text,
    not by when they were given, so their order says nothing about who wrote them."""
    sessions = list(
        group.sessions.filter(starts_at__lte=now)
        .annotate(responses=Count("feedback"), average=Avg("feedback__helpfulness"))
        .filter(responses__gt=0)
        .order_by("-starts_at")
    )
    rows = Feedback.objects.filter(session__in=sessions).values("session_id", "helpfulness", "comment")
    by_session: dict[int, list[dict]] = {}
    for row in rows:
        by_session.setdefault(row["session_id"], []).append(row)
    for session in sessions:
        mine = by_session.get(session.pk, [])
        session.scores = [sum(1 for r in mine if r["helpfulness"] == n) for n in range(1, 6)]
        session.comments = sorted(r["comment"] for r in mine if r["comment"].strip())
    return sessions
