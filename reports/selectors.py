"""Participation counts for a period, read from the rollups (reports.models).

The same functions, signatures and results as `reports.raw`, which computes
them from the raw rows and holds the definitions (held sessions, places,
participants, new, waited, summarised sessions). Each function first brings
the rollups up to date (`reports.rollups.current`): they are never read
stale. When they cannot answer for the `now` asked (a session ends between
it and the time the rollups are true as of, as when a test asks about the
past), the function answers from the raw rows instead.

Additive figures (places, attendance, sessions, feedback, the purge's
summaries) are sums of `CellRollup` rows: a few hundred a year whatever the
number of bookings. Figures about distinct people come from `PersonYear`
(one row per person, programme and year, with a bit per month) and
`PersonFirst` (the month of each person's first attendance per programme):
a person is counted once per row however many programmes of the report they
attended in, and is *new* when their first attendance in the report's
programmes falls in the period (by month: in that month).

These figures are *unsuppressed*: only `reports.report` may read them, and it
publishes them through `reports.suppression`.
"""

from collections.abc import Callable, Collection, Hashable
from datetime import date, datetime
from typing import Any

from django.db import connection

from reports import raw, rollups
from reports.periods import LONDON, Period
from reports.raw import ALL, BOOKING_DIMENSIONS, SESSION_DIMENSIONS, SUMMARISED, Counts

__all__ = ["ALL", "BOOKING_DIMENSIONS", "SESSION_DIMENSIONS", "SUMMARISED", "Counts", "booking_counts",
           "feedback_counts", "session_calendar_counts", "session_counts", "sessions_held_by_month"]

PROFILE = ("profession", "career_stage", "region")
PLACES = ("places_booked", "attended", "no_show", "not_recorded")
PEOPLE = ("participants", "new", "waited")
SCORES = tuple(f"score_{n}" for n in range(1, 6))


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _scope(programmes: Collection[int] | None, column: str = "programme_id") -> tuple[str, list[Any]]:
    return ("", []) if programmes is None else (f" AND {column} = ANY(%s)", [list(programmes)])


def _cells(measures: Collection[str], *, start: date, end: date, dimension: str | None,
           programmes: Collection[int] | None) -> dict[Hashable, dict[str, int]]:
    """Sums of the cells of London months [start, end), by `dimension`."""
    key = {None: "''", "format": "format", "month": "month", "programme": "programme_id"}.get(dimension, "value")
    scope, params = _scope(programmes)
    sums = ", ".join(f"sum({m})" for m in measures)
    rows = _rows(f"""
        SELECT {key}, {sums} FROM reports_cellrollup
        WHERE month >= %s AND month < %s AND dimension = %s{scope} GROUP BY 1""",  # noqa: S608 (fixed names)
                 [start, end, dimension if dimension in PROFILE else "", *params])
    return {ALL if dimension is None else row[0]: dict(zip(measures, map(int, row[1:]), strict=True))
            for row in rows}


def _months(period: Period) -> tuple[date, date]:
    months = period.months()
    after = period.end.astimezone(LONDON).date()
    return months[0], after


def _people(period: Period, dimension: str | None, programmes: Collection[int] | None) -> Counts:
    """Participants, new participants and people who waited without a place."""
    months = period.months()
    mask = sum(1 << (month.month - 1) for month in months)
    scope, scope_params = _scope(programmes)
    by = {"format": ", format", "programme": ", programme_id"}.get(dimension or "", "")
    cte = f"""
        WITH p AS (
            SELECT user_id{by}, bit_or(attended) AS a, bit_or(waited) AS w FROM reports_personyear
            WHERE year = %s AND format {"<>" if dimension == "format" else "="} ''{scope}
            GROUP BY user_id{by} HAVING (bit_or(attended) | bit_or(waited)) & %s <> 0),
        f AS (SELECT user_id, min(first_month) AS fm FROM reports_personfirst WHERE true{scope} GROUP BY user_id)
    """  # noqa: S608 (fixed names)
    params = [period.year, *scope_params, mask, *scope_params]
    if dimension == "month":
        columns = ", ".join(
            f"count(*) FILTER (WHERE a & {1 << (m.month - 1)} <> 0), "
            f"count(*) FILTER (WHERE a & {1 << (m.month - 1)} <> 0 AND fm = %s), "
            f"count(*) FILTER (WHERE w & {1 << (m.month - 1)} <> 0)" for m in months)
        row, = _rows(f"{cte} SELECT {columns} FROM p LEFT JOIN f USING (user_id)",  # noqa: S608 (fixed names)
                     [*params, *months])
        return {m: dict(zip(PEOPLE, row[3 * i:3 * i + 3], strict=True)) for i, m in enumerate(months)}
    key = {None: "''", "format": "p.format", "programme": "p.programme_id"}.get(dimension, f"u.{dimension}")
    join = " JOIN accounts_user u ON u.id = p.user_id" if dimension in PROFILE else ""
    rows = _rows(f"""{cte}
        SELECT {key}, count(*) FILTER (WHERE a & %s <> 0), count(*) FILTER (WHERE a & %s <> 0 AND fm >= %s),
               count(*) FILTER (WHERE w & %s <> 0)
        FROM p LEFT JOIN f USING (user_id){join} GROUP BY 1""",  # noqa: S608 (fixed names)
                 [*params, mask, mask, months[0], mask])
    return {ALL if dimension is None else row[0]: dict(zip(PEOPLE, row[1:], strict=True)) for row in rows}


def _nonzero(counts: Counts, dimension: str | None, keep: Callable[[dict[str, Any]], object]) -> Counts:
    """Rows as the raw queries give them: only those with something counted
    (the whole-period row always)."""
    if dimension is None:
        return counts
    return {key: row for key, row in counts.items() if keep(row)}


def booking_counts(*, period: Period, now: datetime, dimension: str | None = None,
                   programmes: Collection[int] | None = None) -> Counts:
    """Places booked, attendances, participants and unmet demand, by `dimension`
    (a key of BOOKING_DIMENSIONS, or "programme") or for the whole period (None)."""
    if not rollups.current(now):
        return raw.booking_counts(period=period, now=now, dimension=dimension, programmes=programmes)
    start, end = _months(period)
    places = _cells(PLACES, start=start, end=end, dimension=dimension, programmes=programmes)
    people = _people(period, dimension, programmes)
    empty = dict.fromkeys((*PLACES, *PEOPLE), 0)
    counts: Counts = {key: empty | places.get(key, {}) | people.get(key, {})
                      for key in [*places, *(k for k in people if k not in places)] or [ALL]}
    return _nonzero(counts, dimension, lambda row: any(row.values()))


def session_counts(*, period: Period, now: datetime, dimension: str | None = None,
                   programmes: Collection[int] | None = None) -> Counts:
    """Sessions held, by format or month (a session has no profession), and
    what the retention purge kept of their deleted bookings: how many held
    sessions were summarised (`summarised`) and the summaries' places and
    attendance (`summarised_<measure>`, None when there are none)."""
    if not rollups.current(now):
        return raw.session_counts(period=period, now=now, dimension=dimension, programmes=programmes)
    start, end = _months(period)
    summaries = [f"summarised_{m}" for m in SUMMARISED]
    cells = _cells(["sessions_held", "summarised", *summaries], start=start, end=end, dimension=dimension,
                   programmes=programmes) or {ALL: {"sessions_held": 0, "summarised": 0}}
    counts: Counts = {
        key: {"sessions_held": row["sessions_held"], "summarised": row["summarised"],
              **{m: row[m] if row["summarised"] else None for m in summaries}}
        for key, row in cells.items()
    }
    return _nonzero(counts, dimension, lambda row: row["sessions_held"])


def feedback_counts(*, period: Period, now: datetime, dimension: str | None = None,
                    programmes: Collection[int] | None = None) -> Counts:
    """Feedback responses, the spread of helpfulness (1–5) and its mean, by the
    held session's format or month. Comments are never read here."""
    if not rollups.current(now):
        return raw.feedback_counts(period=period, now=now, dimension=dimension, programmes=programmes)
    start, end = _months(period)
    cells = _cells(["responses", *SCORES, "helpfulness_sum"], start=start, end=end, dimension=dimension,
                   programmes=programmes) or {ALL: dict.fromkeys(("responses", *SCORES, "helpfulness_sum"), 0)}
    counts: Counts = {
        key: {"responses": row["responses"],
              "mean": row["helpfulness_sum"] / row["responses"] if row["responses"] else None,
              **{score: row[score] for score in SCORES}}
        for key, row in cells.items()
    }
    return _nonzero(counts, dimension, lambda row: row["responses"])


def session_calendar_counts(*, period: Period, programmes: Collection[int] | None = None) -> Counts:
    """Sessions scheduled to start in the period (held, still to come or
    cancelled) and those cancelled, by (format, London month) in one query.
    Figures about sessions, not people: the report publishes them exactly."""
    rollups.applied()  # figures that do not depend on `now`: only the changes matter
    start, end = _months(period)
    scope, params = _scope(programmes)
    rows = _rows(f"""
        SELECT format, month, sum(sessions_scheduled), sum(sessions_cancelled) FROM reports_cellrollup
        WHERE month >= %s AND month < %s AND dimension = ''{scope}
        GROUP BY 1, 2 HAVING sum(sessions_scheduled) > 0""", [start, end, *params])  # noqa: S608 (fixed names)
    return {(fmt, month): {"sessions_scheduled": int(scheduled), "sessions_cancelled": int(cancelled)}
            for fmt, month, scheduled, cancelled in rows}


def sessions_held_by_month(*, start: datetime, end: datetime, now: datetime,
                           programmes: Collection[int] | None = None) -> dict[date, tuple[int, int]]:
    """Sessions held (as `session_counts` defines it) in each London month
    from `start` to `end`, and those cancelled: {first day of the month:
    (held, cancelled)}, in one query."""
    first, after = (moment.astimezone(LONDON) for moment in (start, end))
    whole_months = all(m.day == 1 and m.time() == datetime.min.time() for m in (first, after))
    if not whole_months or not rollups.current(now):
        return raw.sessions_held_by_month(start=start, end=end, now=now, programmes=programmes)
    scope, params = _scope(programmes)
    rows = _rows(f"""
        SELECT month, sum(sessions_held), sum(sessions_cancelled), sum(sessions_scheduled) FROM reports_cellrollup
        WHERE month >= %s AND month < %s AND dimension = ''{scope}
        GROUP BY 1""", [first.date(), after.date(), *params])  # noqa: S608 (fixed names)
    return {month: (int(held), int(cancelled)) for month, held, cancelled, scheduled in rows if scheduled}
