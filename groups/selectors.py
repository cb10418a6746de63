"""Reads of groups and sessions. Counts are annotations, so list pages make a
fixed number of queries however many groups or sessions there are."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from groups.models import Eligibility, Facilitation, GroupSession, PeerGroup
from signups import models as signups

MORNING_ENDS, AFTERNOON_ENDS = 12, 17  # local hours


def _booking_count(status: str) -> Coalesce:
    counted = (
        signups.Booking.objects.filter(session=OuterRef("pk"), status=status)
        .order_by().values("session").annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(counted), Value(0))


def sessions_with_counts(queryset: QuerySet[GroupSession]) -> QuerySet[GroupSession]:
    """Annotate `confirmed_count`, `waitlist_count` and `places_left` (never below 0)."""
    return queryset.annotate(
        confirmed_count=_booking_count(signups.Booking.Status.CONFIRMED),
        waitlist_count=_booking_count(signups.Booking.Status.WAITLISTED),
    ).annotate(
        places_left=Greatest(Coalesce("capacity", "group__capacity") - F("confirmed_count"), Value(0)),
    )


def upcoming_sessions(*, group: PeerGroup, now: datetime | None = None,
                      include_cancelled: bool = True) -> QuerySet[GroupSession]:
    """Sessions not yet over (one in progress can still be joined), soonest first."""
    sessions = group.sessions.filter(ends_at__gt=now or timezone.now())
    if not include_cancelled:
        sessions = sessions.filter(status=GroupSession.Status.SCHEDULED)
    return sessions_with_counts(sessions.select_related("group")).order_by("starts_at")


def with_next_session(groups: QuerySet[PeerGroup], *, now: datetime | None = None) -> QuerySet[PeerGroup]:
    """Annotate the next scheduled session's `next_starts_at`, `next_ends_at`
    and `next_places_left` (null when nothing is planned)."""
    following = sessions_with_counts(
        GroupSession.objects.filter(
            group=OuterRef("pk"), status=GroupSession.Status.SCHEDULED, ends_at__gt=now or timezone.now()
        )
    ).order_by("starts_at")
    return groups.annotate(
        next_starts_at=Subquery(following.values("starts_at")[:1]),
        next_ends_at=Subquery(following.values("ends_at")[:1]),
        next_places_left=Subquery(following.values("places_left")[:1]),
    )


@dataclass(frozen=True)
class BrowseFilters:
    """Cleaned browse choices; empty strings and False mean "any"."""

    format: str = ""
    for_me: bool = False
    weekday: int | None = None  # ISO: 1 Monday .. 7 Sunday
    time_of_day: str = ""  # morning, afternoon, evening
    where: str = ""  # online, in_person
    membership: str = ""
    places: bool = False


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


def _open_to(user, kind: str, value: str) -> Q:
    rows = Eligibility.objects.filter(group=OuterRef("pk"), kind=kind)
    return ~Q(Exists(rows)) | Q(Exists(rows.filter(value=value)))


def browse_groups(*, user, filters: BrowseFilters, now: datetime | None = None) -> QuerySet[PeerGroup]:
    """Published groups matching the filters, each with its next session, soonest first."""
    now = now or timezone.now()
    groups = PeerGroup.objects.filter(status=PeerGroup.Status.PUBLISHED)
    if filters.format:
        groups = groups.filter(format=filters.format)
    if filters.membership:
        groups = groups.filter(membership=filters.membership)
    if filters.where == "in_person":
        groups = groups.filter(delivery=PeerGroup.Delivery.IN_PERSON)
    elif filters.where == "online":
        groups = groups.exclude(delivery=PeerGroup.Delivery.IN_PERSON)
    if filters.for_me:
        groups = groups.filter(_open_to(user, Eligibility.Kind.PROFESSION, user.profession)
                               & _open_to(user, Eligibility.Kind.CAREER_STAGE, user.career_stage))
    if filters.weekday or filters.time_of_day:
        groups = groups.filter(_sessions_at(filters, now))
    groups = with_next_session(groups, now=now)
    if filters.places:
        groups = groups.filter(next_places_left__gt=0).filter(
            Q(membership="open") | Q(intake_open=True))
    return groups.order_by(F("next_starts_at").asc(nulls_last=True), "title", "pk")


def groups_run_by(*, user, now: datetime | None = None) -> QuerySet[PeerGroup]:
    """"Groups I run": every status, drafts first, then by next session."""
    groups = PeerGroup.objects.filter(facilitation__user=user)
    return with_next_session(groups, now=now).order_by(
        "status", F("next_starts_at").asc(nulls_last=True), "title")


def programme_groups(*, status: str = "", now: datetime | None = None) -> QuerySet[PeerGroup]:
    """Every group for programme admins, with how many facilitators each has."""
    groups = PeerGroup.objects.all()
    if status:
        groups = groups.filter(status=status)
    facilitators = (
        Facilitation.objects.filter(group=OuterRef("pk")).order_by().values("group")
        .annotate(n=Count("pk")).values("n")[:1]
    )
    return with_next_session(groups, now=now).annotate(
        facilitator_count=Coalesce(Subquery(facilitators), Value(0))
    ).order_by("title", "pk")


def facilitators_of(group: PeerGroup) -> QuerySet[Facilitation]:
    return group.facilitation_set.select_related("user").order_by("added_at", "pk")


def fellow_member_names(*, group: PeerGroup) -> list[str]:
    """Display names of a closed group's accepted members (never emails)."""
    names = (
        signups.Membership.objects.filter(group=group, status=signups.Membership.Status.ACCEPTED)
        .order_by("decided_at", "pk").values_list("user__display_name", flat=True)
    )
    return [name or "A member" for name in names]


def is_accepted_member(*, user, group: PeerGroup) -> bool:
    return user.is_authenticated and signups.Membership.objects.filter(
        group=group, user=user, status=signups.Membership.Status.ACCEPTED).exists()


def roster(*, session: GroupSession) -> dict[str, list[str]]:
    """Display names of people with a place and people waiting, in queue order."""
    bookings = (
        session.bookings.filter(status__in=[signups.Booking.Status.CONFIRMED, signups.Booking.Status.WAITLISTED])
        .order_by("queued_at", "created_at", "pk").values_list("status", "user__display_name")
    )
    names: dict[str, list[str]] = {"confirmed": [], "waitlisted": []}
    for status, name in bookings:
        names[status].append(name or "A member")
    return names
