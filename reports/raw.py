"""Participation counts computed from the raw rows (bookings, sessions,
feedback, the purge's summaries): the definitions the rollups must equal.

`reports.selectors` reads the rollups (`reports.rollups`), not these; they
are its fallback when the rollups cannot answer for the `now` asked (a `now`
in the past, with a session ending between it and the rollups' time), and the
oracle the rollups are tested against. Same signatures and results as the
selectors. Unsuppressed: only `reports.report` publishes them, through
`reports.suppression`.

Definitions (the page explains them in words):
* a session is *held* when it is scheduled (not cancelled), starts in the
  period (Europe/London) and has ended;
* a *place booked* is a confirmed booking for a held session; its attendance
  is attended, did not attend (no-show) or not recorded;
* *participants* are distinct people with an attendance; a participant is
  *new* when they had no attendance before the period (by month: before that
  month) in the report's groups (one programme's, or the installation's),
  so their first attendance there falls in it;
* *waited without a place* counts distinct people still on the waiting list
  of a held session, or who left its waiting list without ever being
  confirmed.

Bookings of sessions older than the attendance-detail retention (24 months)
are deleted by the retention purge, which first adds them to the session's
anonymous `privacy.SessionAttendanceSummary`. `session_counts` sums those
summaries (places and attendance), so the report adds them to the booking
counts and the session-level figures of a period do not change when its
bookings go. Who held those places is gone: figures about people (distinct
participants, new, waited, profile breakdowns) cannot include them, so
`session_counts` also counts the summarised sessions and the report marks
those figures as no longer available.
"""

from collections.abc import Collection, Hashable, Mapping
from datetime import date, datetime

from django.db.models import Aggregate, Avg, Count, DateField, Exists, F, Model, OuterRef, Q, QuerySet, Sum
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
SESSION_PATHS = {"format": "group__format", "month": "starts_at"}
FEEDBACK_PATHS = {"format": "session__group__format", "month": "session__starts_at"}
# Booking counts kept in a purged session's summary: report measure -> summary field.
SUMMARISED = {"places_booked": "confirmed", "attended": "attended", "no_show": "no_show",
              "not_recorded": "not_recorded"}

CONFIRMED = Q(status=Booking.Status.CONFIRMED)
ATTENDED = CONFIRMED & Q(attendance=Booking.Attendance.ATTENDED)
NO_SHOW = CONFIRMED & Q(attendance=Booking.Attendance.NO_SHOW)
NOT_RECORDED = CONFIRMED & Q(attendance=Booking.Attendance.UNKNOWN)
WAITED_WITHOUT_PLACE = Q(status=Booking.Status.WAITLISTED) | Q(
    status=Booking.Status.CANCELLED, confirmed_at__isnull=True, queued_at__isnull=False
)

Counts = dict[Hashable, dict[str, int | float | None]]


def _held(prefix: str, *, period: Period, now: datetime, programmes: Collection[int] | None = None) -> Q:
    held = Q(**{
        f"{prefix}status": GroupSession.Status.SCHEDULED,
        f"{prefix}starts_at__gte": period.start,
        f"{prefix}starts_at__lt": period.end,
        f"{prefix}ends_at__lte": now,
    })
    if programmes is not None:  # one programme's report (None: the whole installation)
        held &= Q(**{f"{prefix}group__programme__in": list(programmes)})
    return held


def _key(path: str, dimension: str) -> TruncMonth | F:
    if dimension == "month":
        # The London month, as a date, so 00:30 BST on 1 April is April.
        return TruncMonth(path, tzinfo=LONDON, output_field=DateField())
    return F(path)


def _grouped[M: Model](queryset: QuerySet[M], aggregates: Mapping[str, Aggregate], dimension: str | None,
                       paths: Mapping[str, str], programme: str | None = None) -> Counts:
    """One row per value of `dimension` (its path in `paths`), or one for ALL;
    with `programme` (the path of the programme), one per programme and
    row, keyed (programme id, row), for programmes with rows only."""
    keys: dict[str, TruncMonth | F] = {} if dimension is None else {"key": _key(paths[dimension], dimension)}
    if programme is not None:
        keys["programme_key"] = F(programme)
    if not keys:
        return {ALL: queryset.aggregate(**aggregates)}
    rows = queryset.annotate(**keys).values(*keys).annotate(**aggregates).order_by()
    if programme is None:
        return {row.pop("key"): row for row in rows}
    return {(row.pop("programme_key"), row.pop("key", ALL)): row for row in rows}


def _attended_before(since: datetime | OuterRef, programmes: Collection[int] | None) -> QuerySet[Booking]:
    """Attendances before `since` in these programmes' groups (None: any group)."""
    before = Booking.objects.filter(ATTENDED, session__status=GroupSession.Status.SCHEDULED,
                                    session__starts_at__lt=since)
    if programmes is not None:
        before = before.filter(session__group__programme__in=list(programmes))
    return before.order_by()


def _attended_earlier(since: datetime | OuterRef, programmes: Collection[int] | None, *, by_programme: bool) -> Exists:
    """The booking's person attended before `since`: in these programmes'
    groups or, by_programme, in the booking's own programme's."""
    before = _attended_before(since, None if by_programme else programmes).filter(user=OuterRef("user_id"))
    if by_programme:
        before = before.filter(session__group__programme=OuterRef("session__group__programme"))
    return Exists(before)


def booking_counts(*, period: Period, now: datetime, dimension: str | None = None,
                   programmes: Collection[int] | None = None, by_programme: bool = False) -> Counts:
    """Places booked, attendances, participants and unmet demand, by `dimension`
    (a key of BOOKING_DIMENSIONS) or for the whole period (None); by_programme:
    each programme's own figures (as its report counts them: new to it),
    keyed (programme id, row)."""
    # New means no attendance before the period; by month, before that month,
    # so each new person is new in exactly one month and the months add up.
    # People who attended before the period are one uncorrelated subquery,
    # which PostgreSQL hashes once: a per-booking lookup of each person's
    # history took ~10 s a query at 1,000,000 bookings (bench S5). Only the
    # few left are then checked, by month, for an earlier month of the period.
    # DISTINCT matters: PostgreSQL hashes a NOT IN subquery only if it expects
    # the rows to fit in work_mem; planned as a million bookings rather than
    # 12,000 people it re-ran the subquery for every row (a month's report at
    # 1,000,000 bookings took minutes; bench S6 after S5).
    new = ATTENDED & ~Q(user__in=_attended_before(period.start, programmes).values("user").distinct())
    if by_programme:  # new in each programme: no earlier attendance there, as its own report counts
        new = ATTENDED & ~Q(_attended_earlier(period.start, programmes, by_programme=True))
    if dimension == "month":
        new &= ~Q(_attended_earlier(OuterRef("month_start"), programmes, by_programme=by_programme))
    aggregates: dict[str, Aggregate] = {
        "places_booked": Count("pk", filter=CONFIRMED),
        "attended": Count("pk", filter=ATTENDED),
        "no_show": Count("pk", filter=NO_SHOW),
        "not_recorded": Count("pk", filter=NOT_RECORDED),
        "participants": Count("user", distinct=True, filter=ATTENDED),
        "new": Count("user", distinct=True, filter=new),
        "waited": Count("user", distinct=True, filter=WAITED_WITHOUT_PLACE),
    }
    bookings = Booking.objects.filter(_held("session__", period=period, now=now, programmes=programmes))
    if dimension == "month":
        bookings = bookings.alias(month_start=TruncMonth("session__starts_at", tzinfo=LONDON))
    return _grouped(bookings, aggregates, dimension, BOOKING_DIMENSIONS,
                    "session__group__programme" if by_programme else None)


def session_counts(*, period: Period, now: datetime, dimension: str | None = None,
                   programmes: Collection[int] | None = None, by_programme: bool = False) -> Counts:
    """Sessions held, by format or month (a session has no profession), and
    what the retention purge kept of their deleted bookings: how many held
    sessions were summarised (`summarised`) and the summaries' places and
    attendance (`summarised_<measure>`, None when there are none)."""
    sessions = GroupSession.objects.filter(_held("", period=period, now=now, programmes=programmes))
    # A one-to-one join: at most one summary a session, so nothing is counted twice.
    aggregates: dict[str, Aggregate] = {"sessions_held": Count("pk"), "summarised": Count("attendance_summary")}
    aggregates |= {f"summarised_{m}": Sum(f"attendance_summary__{f}") for m, f in SUMMARISED.items()}
    return _grouped(sessions, aggregates, dimension, SESSION_PATHS, "group__programme" if by_programme else None)


def feedback_counts(*, period: Period, now: datetime, dimension: str | None = None,
                    programmes: Collection[int] | None = None, by_programme: bool = False) -> Counts:
    """Feedback responses, the spread of helpfulness (1–5) and its mean, by the
    held session's format or month. Comments are never read here."""
    aggregates: dict[str, Aggregate] = {"responses": Count("pk"), "mean": Avg("helpfulness")}
    aggregates |= {f"score_{n}": Count("pk", filter=Q(helpfulness=n)) for n in range(1, 6)}
    feedback = Feedback.objects.filter(_held("session__", period=period, now=now, programmes=programmes))
    return _grouped(feedback, aggregates, dimension, FEEDBACK_PATHS,
                    "session__group__programme" if by_programme else None)


def session_calendar_counts(*, period: Period, programmes: Collection[int] | None = None,
                            by_programme: bool = False) -> Counts:
    """Sessions scheduled to start in the period (held, still to come or
    cancelled) and those cancelled, by (format, London month) in one query
    (by_programme: keyed (programme id, (format, month))).
    Figures about sessions, not people: the report publishes them exactly."""
    sessions = GroupSession.objects.filter(starts_at__gte=period.start, starts_at__lt=period.end)
    if programmes is not None:
        sessions = sessions.filter(group__programme__in=list(programmes))
    rows = (
        sessions
        .annotate(month=_key("starts_at", "month"))
        .values(*(["group__programme"] if by_programme else []), "group__format", "month")
        .annotate(sessions_scheduled=Count("pk"),
                  sessions_cancelled=Count("pk", filter=Q(status=GroupSession.Status.CANCELLED)))
        .order_by()
    )
    return {
        ((row["group__programme"], cell) if by_programme else cell): {
            "sessions_scheduled": row["sessions_scheduled"], "sessions_cancelled": row["sessions_cancelled"]}
        for row in rows for cell in [(row["group__format"], row["month"])]
    }


def sessions_held_by_month(*, start: datetime, end: datetime, now: datetime,
                           programmes: Collection[int] | None = None) -> dict[date, tuple[int, int]]:
    """Sessions held (as `session_counts` defines it) in each London month
    from `start` to `end`, and those cancelled: {first day of the month:
    (held, cancelled)}, in one query."""
    held = Q(status=GroupSession.Status.SCHEDULED, ends_at__lte=now)
    sessions = GroupSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if programmes is not None:
        sessions = sessions.filter(group__programme__in=list(programmes))
    rows = (
        sessions
        .annotate(month=_key("starts_at", "month")).values("month")
        .annotate(held=Count("pk", filter=held), cancelled=Count("pk", filter=Q(status=GroupSession.Status.CANCELLED)))
        .order_by()
    )
    return {row["month"]: (row["held"], row["cancelled"]) for row in rows}
