"""Reads of sign-ups. Other apps' pages use these to show a person's state."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
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


# Feedback is shown only for a pool of at least this many responses, so no
# score or comment on the facilitators' page can be one person's.
MIN_FEEDBACK_RESPONSES = 3


@dataclass(frozen=True)
class FeedbackPool:
    """The feedback of one or more consecutive sessions, shown together."""

    sessions: tuple[GroupSession, ...]  # oldest first
    scores: tuple[int, ...]  # how many rated 1, 2, 3, 4 and 5
    comments: tuple[str, ...]  # by text, never by when or from whom

    @property
    def responses(self) -> int:
        return sum(self.scores)

    @property
    def average(self) -> float:
        return sum(n * count for n, count in enumerate(self.scores, start=1)) / self.responses


@dataclass(frozen=True)
class GroupFeedback:
    pools: list[FeedbackPool]  # newest first; each has MIN_FEEDBACK_RESPONSES or more
    waiting: list[GroupSession]  # later sessions whose feedback is not shown yet, oldest first


def feedback_pools(sessions: Iterable[tuple[GroupSession, list[tuple[int, str]]]]) -> GroupFeedback:
    """Pool sessions (oldest first, each with its (helpfulness, comment)
    responses) in order until a pool holds MIN_FEEDBACK_RESPONSES responses;
    the sessions after the last full pool wait, and nothing about them is
    shown, not even whether anyone answered. Nothing per session or per
    booking leaves here: only each pool's counts and its comments by text."""
    pools: list[FeedbackPool] = []
    current: list[GroupSession] = []
    answers: list[tuple[int, str]] = []
    for session, responses in sessions:
        current.append(session)
        answers.extend(responses)
        if len(answers) >= MIN_FEEDBACK_RESPONSES:
            scores = tuple(sum(1 for score, _comment in answers if score == n) for n in range(1, 6))
            comments = tuple(sorted(comment for _score, comment in answers if comment.strip()))
            pools.append(FeedbackPool(sessions=tuple(current), scores=scores, comments=comments))
            current, answers = [], []
    return GroupFeedback(pools=pools[::-1], waiting=current)


def feedback_for_group(group: PeerGroup, *, now: datetime) -> GroupFeedback:
    """The group's feedback in pools of at least MIN_FEEDBACK_RESPONSES, over
    every session that has ended and was not cancelled (with or without
    feedback, so which sessions a pool spans says little about who answered)."""
    sessions = list(
        group.sessions.filter(ends_at__lte=now)
        .exclude(status=GroupSession.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )
    by_session: dict[int, list[tuple[int, str]]] = {}
    for session_id, helpfulness, comment in Feedback.objects.filter(session__in=sessions).values_list(
        "session_id", "helpfulness", "comment"
    ):
        by_session.setdefault(session_id, []).append((helpfulness, comment))
    return feedback_pools((session, by_session.get(session.pk, [])) for session in sessions)
