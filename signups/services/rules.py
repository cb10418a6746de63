"""Rules shared by the booking and membership services."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Now

from accounts.models import User
from groups.access import visible_groups
from groups.eligibility import eligibility_refusal
from groups.formats import Format
from groups.models import GroupSession, PeerGroup
from signups.errors import GroundRulesRequired, SignupRefused
from signups.models import Booking, Membership
from signups.selectors import JoinFacts, ground_rules_pending

LATE_CANCELLATION = timedelta(hours=24)


def is_drop_in(group: PeerGroup) -> bool:
    return group.format == Format.COMMON_ROOM


def booking_window_open(session: GroupSession, now: datetime) -> bool:
    """Booked sessions close at their start; a drop-in room takes people
    until it ends."""
    if is_drop_in(session.group):
        return session.ends_at > now
    return session.starts_at > now


def check_group_joinable(*, group: PeerGroup, user: User, facts: JoinFacts) -> None:
    """The checks a booking and an application share: a published group the
    person is eligible for, whose current ground rules they accepted.
    `facts`: what `session_to_book` or `join_facts` read about the group."""
    if group.status != PeerGroup.Status.PUBLISHED:
        raise SignupRefused("This group is not taking bookings at the moment.", reason="unavailable")
    refusal = eligibility_refusal(group, user) if facts.limited else None  # no rows: it is for everyone
    if refusal:
        raise SignupRefused(refusal, reason="not_eligible")
    pending = ground_rules_pending(group=group, facts=facts)
    if pending is not None:
        raise GroundRulesRequired(pending)


def check_session_open(*, session: GroupSession, now: datetime) -> None:
    if session.is_cancelled:
        raise SignupRefused("This session has been cancelled.", reason="cancelled")
    if not booking_window_open(session, now):
        raise SignupRefused("This session has already taken place, so it cannot be booked.", reason="past")


def check_session_bookable(*, session: GroupSession, user: User, now: datetime, facts: JoinFacts) -> None:
    group = session.group
    check_session_open(session=session, now=now)
    if group.is_closed and not is_member(group=group, user=user):
        raise SignupRefused(
            "This is a closed group. Apply to join it: members have a place at every session.",
            reason="closed_group",
        )
    check_group_joinable(group=group, user=user, facts=facts)


def is_member(*, group: PeerGroup, user: User) -> bool:
    return Membership.objects.filter(group=group, user=user, status=Membership.Status.ACCEPTED).exists()


def lock_session(session: GroupSession) -> GroupSession:
    """Take the session's row lock: every change to its places goes through
    it, so counting confirmed bookings afterwards is safe. `of=self` leaves the
    group row free."""
    return GroupSession.objects.select_related("group").select_for_update(of=("self",)).get(pk=session.pk)


class DatabaseClock(Now):
    """The database's time when the statement runs: on PostgreSQL
    `clock_timestamp()`, the clock `booking_statement` stamps with, not the
    transaction's start (which may predate the wait for a lock)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[str | int, ...]]:
        return self.as_sql(compiler, connection, template="CLOCK_TIMESTAMP()", **extra_context)

    def get_group_by_cols(self) -> list[Any]:
        return []  # one time for the row, not a column to group by


def places_own_booking_and_programme(session: GroupSession, user: User) -> tuple[int, int | None, int, datetime]:
    """Under the session's lock, in one query: the confirmed places, the id
    of this person's booking row (if they have one), the programme the
    group is in now (the lock's own read of the group may predate a move
    that the attempt waited for) and the database's clock."""
    row = (
        GroupSession.objects.filter(pk=session.pk).values("group__programme_id")
        .annotate(confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
                  own=Max("bookings__pk", filter=Q(bookings__user=user)), stamp=DatabaseClock())
        .get()
    )
    return row["confirmed"], row["own"], row["group__programme_id"], row["stamp"]


def check_still_visible(*, session: GroupSession, user: User) -> None:
    """After the group moved to another programme while a booking waited:
    refuse unless the person may see (and so book) it where it is now."""
    if not visible_groups(user).filter(pk=session.group_id).exists():
        raise SignupRefused(
            "This group has just moved to another programme, which you cannot book with. Nothing was booked.",
            reason="moved",
        )


def confirmed_count(session: GroupSession) -> int:
    return Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count()


def confirmed_count_and_clock(session: GroupSession) -> tuple[int, datetime]:
    """Under the session's lock, in one query: its confirmed places and the
    database's clock (what promotions are stamped with)."""
    row = (
        GroupSession.objects.filter(pk=session.pk).values("pk")
        .annotate(confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
                  stamp=DatabaseClock())
        .get()
    )
    return row["confirmed"], row["stamp"]


def waiting_in_line(session: GroupSession) -> QuerySet[Booking]:
    return Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).order_by("queued_at", "pk")
