"""Raw participation counts for a period, aggregated in the database.

One query per breakdown, whatever the data size: `values(key).annotate(...)`
with filtered, distinct counts. These figures are *unsuppressed*: only
`reports.report` may read them, and it publishes them through
`reports.suppression`.

Definitions (the page explains them in words):
* a session is *held* when it is scheduled (not cancelled), starts in the
  period (Europe/London) and has ended;
* a *place booked* is a confirmed booking for a held session; its attendance
  is attended, did not attend (no-show) or not recorded;
* *participants* are distinct people with an attendance; a participant is
  *new* when they had no attendance before the period (by month: before that
  month), so their first attendance ever falls in it;
* *waited without a place* counts distinct people still on the waiting list
  of a held session, or who left its waiting list without ever being
  confirmed.
"""

from collections.abc import Hashable
from datetime import datetime

from django.db.models import Avg, Count, DateField, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth

from groups.models import GroupSession
from reports.periods import LONDON, Period
from signups.models import Booking, Feedback

ALL = "all"  # the key of the row that covers the whole period
BOOKING_DIMENSIONS = {
    "format": "session__group__format",
    "profession": "user__profession",
    "career_stage": "user__career_stage",
    "region": "user__region",
    "month": "session__starts_at",
}
SESSION_DIMENSIONS = ("format", "month")  # sessions and feedback have no person

CONFIRMED = Q(status=Booking.Status.CONFIRMED)
ATTENDED = CONFIRMED & Q(attendance=Booking.Attendance.ATTENDED)
NO_SHOW = CONFIRMED & Q(attendance=Booking.Attendance.NO_SHOW)
NOT_RECORDED = CONFIRMED & Q(attendance=Booking.Attendance.UNKNOWN)
WAITED_WITHOUT_PLACE = Q(status=Booking.Status.WAITLISTED) | Q(
    status=Booking.Status.CANCELLED, confirmed_at__isnull=True, queued_at__isnull=False
)

Counts = dict[Hashable, dict[str, int | float | None]]


def _held(prefix: str, *, period: Period, now: datetime) -> Q:
    return Q(**{
        f"{prefix}status": GroupSession.Status.SCHEDULED,
        f"{prefix}starts_at__gte": period.start,
        f"{prefix}starts_at__lt": period.end,
        f"{prefix}ends_at__lte": now,
    })


def _key(path: str, dimension: str):
    if dimension == "month":
        # The London month, as a date, so 00:30 BST on 1 April is April.
        return TruncMonth(path, tzinfo=LONDON, output_field=DateField())
    return F(path)


def _grouped(queryset, aggregates: dict, dimension: str | None, path: str | None) -> Counts:
    if dimension is None:
        return {ALL: queryset.aggregate(**aggregates)}
    rows = queryset.annotate(key=_key(path, dimension)).values("key").annotate(**aggregates).order_by()
    return {row.pop("key"): row for row in rows}


def booking_counts(*, period: Period, now: datetime, dimension: str | None = None) -> Counts:
    """Places booked, attendances, participants and unmet demand, by `dimension`
    (a key of BOOKING_DIMENSIONS) or for the whole period (None)."""
    # New means no attendance before the period; by month, before that month,
    # so each new person is new in exactly one month and the months add up.
    since = OuterRef("month_start") if dimension == "month" else period.start
    attended_before = Booking.objects.filter(
        ATTENDED, user=OuterRef("user_id"), session__status=GroupSession.Status.SCHEDULED,
        session__starts_at__lt=since,
    )
    aggregates = {
        "places_booked": Count("pk", filter=CONFIRMED),
        "attended": Count("pk", filter=ATTENDED),
        "no_show": Count("pk", filter=NO_SHOW),
        "not_recorded": Count("pk", filter=NOT_RECORDED),
        "participants": Count("user", distinct=True, filter=ATTENDED),
        "new": Count("user", distinct=True, filter=ATTENDED & ~Exists(attended_before)),
        "waited": Count("user", distinct=True, filter=WAITED_WITHOUT_PLACE),
    }
    bookings = Booking.objects.filter(_held("session__", period=period, now=now))
    if dimension == "month":
        bookings = bookings.alias(month_start=TruncMonth("session__starts_at", tzinfo=LONDON))
    return _grouped(bookings, aggregates, dimension, BOOKING_DIMENSIONS.get(dimension))


def session_counts(*, period: Period, now: datetime, dimension: str | None = None) -> Counts:
    """Sessions held, by format or month (a session has no profession)."""
    paths = {"format": "group__format", "month": "starts_at"}
    sessions = GroupSession.objects.filter(_held("", period=period, now=now))
    return _grouped(sessions, {"sessions_held": Count("pk")}, dimension, paths.get(dimension))


def feedback_counts(*, period: Period, now: datetime, dimension: str | None = None) -> Counts:
    """Feedback responses, the spread of helpfulness (1–5) and its mean, by the
    held session's format or month. Comments are never read here."""
    paths = {"format": "session__group__format", "month": "session__starts_at"}
    aggregates = {"responses": Count("pk"), "mean": Avg("helpfulness")}
    aggregates |= {f"score_{n}": Count("pk", filter=Q(helpfulness=n)) for n in range(1, 6)}
    feedback = Feedback.objects.filter(_held("session__", period=period, now=now))
    return _grouped(feedback, aggregates, dimension, paths.get(dimension))
