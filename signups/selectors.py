"""Reads of sign-ups: a person's places and memberships, and groups and
sessions with their places left, members and rosters. Counts are
annotations, so list pages make a fixed number of queries however many
groups or sessions there are. Other apps' pages use these."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from accounts.selectors import public_name
from core.statements import Slots, fill, keep
from groups.access import get_visible_session, visible_groups
from groups.formats import Format
from groups.models import Eligibility, Facilitation, GroundRules, GroupSession, PeerGroup
from programmes.access import eligible_programmes, facilitator_programme_ids
from programmes.models import Programme
from signups.models import Booking, Feedback, GroundRulesAcceptance, Membership

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Whoever is asking: pages that anyone may see pass the anonymous visitor too.
Visitor = User | AnonymousUser


class SessionCounts(TypedDict):
    confirmed_count: int
    waitlist_count: int
    places_left: int  # never below 0


class NextSession(TypedDict):
    next_starts_at: datetime | None  # null when nothing is planned
    next_ends_at: datetime | None
    next_places_left: int | None


def bookings_for_user(*, user: Visitor, sessions: Iterable[GroupSession]) -> dict[int, Booking]:
    """This person's booking (any status) for each of these sessions, by session id."""
    ids = [s.pk for s in sessions]
    if not user.is_authenticated or not ids:
        return {}
    return {b.session_id: b for b in Booking.objects.filter(user=user, session_id__in=ids)}


def membership_for_user(*, user: Visitor, group: PeerGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group=group).first()


@dataclass(frozen=True)
class JoinFacts:
    """What the checks before a booking or an application ask about the
    group for this person, read in the same query as what they act on
    (`session_to_book`, `join_facts`): every caller gets them from here, so
    the checks have one path."""

    limited: bool  # it names who it is for (eligibility rows)
    rules_pending: bool  # it has ground rules whose current version this person has not agreed to


def join_facts_expressions(user_id: int, group: str) -> dict[str, Exists | Subquery]:
    """The annotations JoinFacts are read from; `group`: the column holding
    the group's id in the query they annotate. The newest ground rules and
    whether this person agreed to them are one subquery (null when the
    group has none)."""
    agreed = GroundRulesAcceptance.objects.filter(user_id=user_id, ground_rules=OuterRef("pk"))
    current = GroundRules.objects.filter(group=OuterRef(group)).order_by("-version")
    return {
        "join_limited": Exists(Eligibility.objects.filter(group=OuterRef(group))),
        "join_rules_pending": Subquery(current.annotate(pending=~Exists(agreed)).values("pending")[:1]),
    }


@cache
def _compiled_join_facts(model: type[GroupSession | PeerGroup], group: str) -> dict[str, tuple[str, Slots] | None]:
    """`join_facts_expressions` compiled once per query shape (`core.statements.keep`):
    building and compiling them cost a booking more than the rest of its
    session query (bench S1), and their SQL differs between people only in
    the id. None for one that cannot be kept: built each time."""
    def compiler(name: str) -> Callable[[dict[str, Any]], tuple[str, Sequence[object]]]:
        def compile(values: dict[str, Any]) -> tuple[str, Sequence[object]]:
            query = model.objects.annotate(**join_facts_expressions(values["user_id"], group)).query
            sql, params = query.get_compiler(connection=connection).compile(query.annotations[name])
            return str(sql), tuple(params)
        return compile

    return {name: keep(compiler(name), {"user_id": int}) for name in ("join_limited", "join_rules_pending")}


def _join_facts(user: User, model: type[GroupSession | PeerGroup], group: str) -> dict[str, RawSQL | Exists | Subquery]:
    expressions: dict[str, RawSQL | Exists | Subquery] = {}
    for name, kept in _compiled_join_facts(model, group).items():
        if kept is None:
            expressions[name] = join_facts_expressions(user.pk, group)[name]
        else:
            # The text is the ORM's own compilation; every value stays a parameter.
            sql, slots = kept
            expressions[name] = RawSQL(sql, tuple(fill(slots, {"user_id": user.pk})),  # noqa: S611
                                       output_field=BooleanField())
    return expressions


def _facts(row: object) -> JoinFacts:
    return JoinFacts(limited=bool(row.join_limited),  # type: ignore[attr-defined]
                     rules_pending=bool(row.join_rules_pending))  # type: ignore[attr-defined]


def session_to_book(*, user: User, code: str) -> tuple[GroupSession, JoinFacts]:
    """The session a booking names, by `get_visible_session`'s rule (or
    404), with the facts the booking checks need, so that a booking asks
    them no further query."""
    session = get_visible_session(user, code, **_join_facts(user, GroupSession, "group_id"))
    return session, _facts(session)


def join_facts(*, user: User, group: PeerGroup) -> JoinFacts:
    """JoinFacts for a group the caller already holds (one query)."""
    return _facts(PeerGroup.objects.filter(pk=group.pk).annotate(**_join_facts(user, PeerGroup, "pk")).get())


def ground_rules_pending(*, group: PeerGroup, facts: JoinFacts) -> GroundRules | None:
    """The group's current ground rules when this person has not yet agreed to them."""
    return group.current_ground_rules if facts.rules_pending else None


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


@dataclass(frozen=True)
class Series:
    """A group's places to come on My sessions: the next one in full, the
    rest folded away ("n more"), so a weekly group is one card, not twenty."""

    next: Booking
    later: list[Booking]


@dataclass
class MySessions:
    upcoming: list[Booking]
    waiting: list[Booking]
    past: list[Booking]
    memberships: list[Membership]

    @property
    def series(self) -> list[Series]:
        """`upcoming` (soonest first) by group, in order of each group's next session."""
        by_group: dict[int, list[Booking]] = {}
        for booking in self.upcoming:
            by_group.setdefault(booking.session.group_id, []).append(booking)
        return [Series(next=places[0], later=places[1:]) for places in by_group.values()]


def my_sessions(*, user: User, now: datetime, past_limit: int = 20) -> MySessions:
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


# --- groups with their places, members and rosters --------------------------
MORNING_ENDS, AFTERNOON_ENDS = 12, 17  # local hours


def _booking_count(status: str) -> Coalesce:
    counted = (
        Booking.objects.filter(session=OuterRef("pk"), status=status)
        .order_by().values("session").annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(counted), Value(0))


def sessions_with_counts(queryset: QuerySet[GroupSession]) -> QuerySet[WithAnnotations[GroupSession, SessionCounts]]:
    """Annotate `confirmed_count`, `waitlist_count` and `places_left` (never below 0)."""
    return queryset.annotate(
        confirmed_count=_booking_count(Booking.Status.CONFIRMED),
        waitlist_count=_booking_count(Booking.Status.WAITLISTED),
    ).annotate(
        places_left=Greatest(Coalesce("capacity", "group__capacity") - F("confirmed_count"), Value(0)),
    )


def upcoming_sessions(*, group: PeerGroup, now: datetime | None = None,
                      include_cancelled: bool = True) -> QuerySet[WithAnnotations[GroupSession, SessionCounts]]:
    """Sessions not yet over (one in progress can still be joined), soonest first."""
    sessions = group.sessions.filter(ends_at__gt=now or timezone.now())
    if not include_cancelled:
        sessions = sessions.filter(status=GroupSession.Status.SCHEDULED)
    return sessions_with_counts(sessions.select_related("group")).order_by("starts_at")


def with_next_session(groups: QuerySet[PeerGroup], *,
                      now: datetime | None = None) -> QuerySet[WithAnnotations[PeerGroup, NextSession]]:
    """Annotate the next scheduled session's `next_starts_at`, `next_ends_at`
    and `next_places_left` (null when nothing is planned)."""
    following = GroupSession.objects.filter(
        group=OuterRef("pk"), status=GroupSession.Status.SCHEDULED, ends_at__gt=now or timezone.now()
    ).order_by("starts_at", "pk")
    # Only the places need the booking counts: building them into the other
    # two subqueries cost a list page more time than its queries (S6).
    return groups.annotate(
        next_starts_at=Subquery(following.values("starts_at")[:1]),
        next_ends_at=Subquery(following.values("ends_at")[:1]),
        next_places_left=Subquery(sessions_with_counts(following).values("places_left")[:1]),
    )


@dataclass(frozen=True)
class BrowseFilters:
    """Cleaned browse choices; empty strings and False mean "any"."""

    q: str = ""  # keywords, each matched in the title, description or format
    format: str = ""
    for_me: bool = False
    weekday: int | None = None  # ISO: 1 Monday .. 7 Sunday
    time_of_day: str = ""  # morning, afternoon, evening
    where: str = ""  # online, in_person
    membership: str = ""
    places: bool = False
    programme: str = ""  # a programme's public code (the choices offered are the person's eligible ones)


def _sessions_at(filters: BrowseFilters, now: datetime) -> Q:
    sessions = GroupSession.objects.filter(
        group=OuterRef("pk"), status=GroupSession.Status.SCHEDULED, ends_at__gt=now
    )
    if filters.weekday:
        sessions = sessions.filter(starts_at__iso_week_day=filters.weekday)
    if filters.time_of_day == "morning":
        sessions = sessions.filter(starts_at__hour__lt=MORNING_ENDS)
    elif filters.time_of_day == "afternoon":
        sessions = sessions.filter(starts_at__hour__gte=MORNING_ENDS, starts_at__hour__lt=AFTERNOON_ENDS)
    elif filters.time_of_day == "evening":
        sessions = sessions.filter(starts_at__hour__gte=AFTERNOON_ENDS)
    return Q(Exists(sessions))


def _open_to(kind: str, value: str) -> Q:
    rows = Eligibility.objects.filter(group=OuterRef("pk"), kind=kind)
    return ~Q(Exists(rows)) | Q(Exists(rows.filter(value=value)))


SEARCH_WORDS = 8  # more words than this narrow nothing further and cost a clause each


def _keywords(q: str) -> Q:
    """Every word matches the title, the description or the format's name."""
    found = Q()
    for word in q.split()[:SEARCH_WORDS]:
        formats = [value for value, label in Format.choices if word.casefold() in label.casefold()]
        found &= Q(title__icontains=word) | Q(description__icontains=word) | Q(format__in=formats)
    return found


def browse_groups(*, user: Visitor, filters: BrowseFilters, now: datetime | None = None,
                  eligible: Collection[int] | None = None) -> QuerySet[WithAnnotations[PeerGroup, NextSession]]:
    """Published groups matching the filters, each with its next session,
    soonest first. Signed-out visitors see open groups only. `eligible`: the
    ids of `eligible_programmes(user)` when the caller has just read them
    (programmes.selectors.programmes_to_browse), sparing the subquery."""
    now = now or timezone.now()
    if user.is_authenticated:
        groups = PeerGroup.objects.filter(status=PeerGroup.Status.PUBLISHED)
        groups = (groups.filter(programme__in=eligible_programmes(user).values("pk")) if eligible is None
                  else groups.filter(programme__in=eligible))
    else:  # browsing before signing up: the one rule for what visitors see
        groups = visible_groups(user)
    if filters.q:
        groups = groups.filter(_keywords(filters.q))
    if filters.format:
        groups = groups.filter(format=filters.format)
    if filters.membership:
        groups = groups.filter(membership=filters.membership)
    if filters.programme:  # within the groups above: another programme's code finds nothing
        groups = groups.filter(programme__code=filters.programme)
    if filters.where == "in_person":
        groups = groups.filter(delivery=PeerGroup.Delivery.IN_PERSON)
    elif filters.where == "online":
        groups = groups.exclude(delivery=PeerGroup.Delivery.IN_PERSON)
    if filters.for_me and user.is_authenticated:
        groups = groups.filter(_open_to(Eligibility.Kind.PROFESSION, user.profession)
                               & _open_to(Eligibility.Kind.CAREER_STAGE, user.career_stage))
    if filters.weekday or filters.time_of_day:
        groups = groups.filter(_sessions_at(filters, now))
    groups = with_next_session(groups, now=now)
    if filters.places:
        groups = groups.filter(next_places_left__gt=0).filter(
            Q(membership="open") | Q(intake_open=True))
    return (groups.select_related("programme").prefetch_related("eligibility")
            .order_by(F("next_starts_at").asc(nulls_last=True), "title", "pk"))


def groups_run_by(*, user: User, now: datetime | None = None) -> QuerySet[WithAnnotations[PeerGroup, NextSession]]:
    """"Groups I run": every status, drafts first, then by next session (in
    the programmes the person still facilitates in)."""
    groups = PeerGroup.objects.filter(facilitation__user=user, programme__in=facilitator_programme_ids(user))
    return with_next_session(groups, now=now).order_by(
        "status", F("next_starts_at").asc(nulls_last=True), "title")


def programme_groups(*, status: str = "", now: datetime | None = None,
                     programmes: QuerySet[Programme] | None = None) -> QuerySet[PeerGroup]:
    """Every group of these programmes (of all, when None) for their admins,
    with how many facilitators each has."""
    groups = PeerGroup.objects.all() if programmes is None else PeerGroup.objects.filter(programme__in=programmes)
    if status:
        groups = groups.filter(status=status)
    facilitators = (
        Facilitation.objects.filter(group=OuterRef("pk")).order_by().values("group")
        .annotate(n=Count("pk")).values("n")[:1]
    )
    return with_next_session(groups, now=now).annotate(
        facilitator_count=Coalesce(Subquery(facilitators), Value(0))
    ).order_by("title", "pk")


def fellow_member_names(*, group: PeerGroup) -> list[str]:
    """Display names of a closed group's accepted members (never emails)."""
    members = (
        Membership.objects.filter(group=group, status=Membership.Status.ACCEPTED)
        .order_by("decided_at", "pk").select_related("user").only("user__display_name", "user__name_code")
    )
    return [public_name(m.user) for m in members]


def is_accepted_member(*, user: Visitor, group: PeerGroup) -> bool:
    return user.is_authenticated and Membership.objects.filter(
        group=group, user=user, status=Membership.Status.ACCEPTED).exists()


def roster(*, session: GroupSession) -> dict[str, list[str]]:
    """Display names of people with a place and people waiting, in queue order."""
    bookings = (
        session.bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED])
        .order_by("queued_at", "created_at", "pk").select_related("user").only(
            "status", "user__display_name", "user__name_code")
    )
    names: dict[str, list[str]] = {"confirmed": [], "waitlisted": []}
    for booking in bookings:
        names[booking.status].append(public_name(booking.user))
    return names


@dataclass(frozen=True)
class GroupWorkCounts:
    """What waits for a group's facilitators, for its manage page."""

    applications: int  # applied or in a joining conversation: waiting for a decision
    members: int
    feedback_responses: int  # only what the feedback page shows: pooled responses


def group_work_counts(*, group: PeerGroup, now: datetime | None = None) -> GroupWorkCounts:
    memberships = Membership.objects.filter(group=group).aggregate(
        waiting=Count("pk", filter=Q(status__in=(Membership.Status.APPLIED, Membership.Status.CONVERSATION))),
        members=Count("pk", filter=Q(status=Membership.Status.ACCEPTED)),
    )
    # Counted from the pools, so the number never moves by one person's answer.
    pools = feedback_for_group(group, now=now or timezone.now()).pools
    return GroupWorkCounts(applications=memberships["waiting"], members=memberships["members"],
                           feedback_responses=sum(pool.responses for pool in pools))
