"""Participation counts for a period, read from the rollups (reports.models).

The same functions, signatures and results as `reports.raw`, which computes
them from the raw rows and holds the definitions (held sessions, places,
participants, new, waited, summarised sessions). Each function first brings
the rollups up to date (`reports.rollups.current`): they are never read
stale. When they cannot answer for the `now` asked (a session ends between
it and the time the rollups are true as of, as when a test asks about the
past), or on another database than PostgreSQL, the function answers from
the raw rows instead (`_from_rollups`, the one place that chooses).

Additive figures (places, attendance, sessions, feedback, the purge's
summaries) are sums of `CellRollup` rows: a few hundred a year whatever the
number of bookings. Figures about distinct people come from `PersonYear`
(one row per person, programme and year, with a bit per month) and
`PersonFirst` (the month of each person's first attendance per programme):
a person is counted once per row however many programmes of the report they
attended in, and is *new* when their first attendance in the report's
programmes falls in the period (by month: in that month). A month, quarter
or year of one programme or of the installation reads `PeriodPeople`, those
figures counted in advance per period and per month; only several
programmes together count their people's rows.

With `by_programme=True` every function gives each programme's own figures
at once, its rows keyed (programme id, row), as each programme's report
would read them one by one (new: first attendance in that programme): the
rollups are kept per programme, so this is the same read grouped by
programme too (the installation overview, `reports.overview`).

These figures are *unsuppressed*: only `reports.report` may read them, and it
publishes them through `reports.suppression`.
"""

from collections.abc import Callable, Collection, Hashable
from datetime import date, datetime
from functools import wraps
from typing import Any, cast

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


def _once[T](key: Hashable, compute: Callable[[], T]) -> T:
    """Within a report (`rollups.reading`), figures read once for every call
    that needs them; outside one, read for this call."""
    memo = rollups.memo()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    kept: T = memo[key]
    return kept


def _keyed(programme: Hashable, row: Hashable, by_programme: bool) -> Hashable:
    """A row's key: (programme id, row) by programme, else the row."""
    return (programme, row) if by_programme else row


# Cell sums by breakdown: the grouping set's columns, GROUPING(format, month,
# value) of it (1: not grouped by it), and whose rows it sums. By programme,
# every set is grouped by programme_id too.
CELL_SETS: dict[str | None, tuple[tuple[str, ...], int, bool]] = {
    None: ((), 0b111, False),
    "format": (("format",), 0b011, False),
    "month": (("month",), 0b101, False),
    "calendar": (("format", "month"), 0b001, False),
    "profile": (("value",), 0b110, True),
}
CELL_MEASURES = (*rollups.MEASURES, "sessions_scheduled", "sessions_cancelled", "sessions_held")


def _cells(measures: Collection[str], *, start: date, end: date, dimension: str | None,
           programmes: Collection[int] | None, by_programme: bool = False) -> dict[Hashable, dict[str, int]]:
    """Sums of the cells of London months [start, end), by `dimension`
    ("calendar": by format and month; by_programme: keyed (programme id,
    row)). Every breakdown comes from one query, read once within a report."""
    key = ("cells", start, end, None if programmes is None else tuple(sorted(programmes)), by_programme)
    sums = _once(key, lambda: _cell_sums(start, end, programmes, by_programme))
    return {k: {m: row[m] for m in measures} for k, row in sums.get(dimension, {}).items()}


Sums = dict[str | None, dict[Hashable, dict[str, int]]]


def _cell_sums(start: date, end: date, programmes: Collection[int] | None, by_programme: bool) -> Sums:
    """Every breakdown's sums in one query: {dimension: {row: {measure: sum}}}
    (by programme, each grouping set grouped by programme too)."""
    scope, params = _scope(programmes)
    lead = ("programme_id",) if by_programme else ()
    grouping = "GROUPING(format, month, value)"
    wanted = " OR ".join(f"({grouping} = {bits} AND dimension {'<>' if profile else '='} '')"
                         for _columns, bits, profile in CELL_SETS.values())
    sums_sql = ", ".join(f"sum({m})" for m in CELL_MEASURES)
    rows = _rows(f"""
        SELECT dimension, {grouping}, format, month, {"programme_id" if by_programme else "0"}, value, {sums_sql}
        FROM reports_cellrollup WHERE month >= %s AND month < %s{scope}
        GROUP BY dimension, GROUPING SETS ({", ".join(f"({', '.join((*lead, *columns))})"
                                                      for columns, _bits, _profile in CELL_SETS.values())})
        HAVING {wanted}""", [start, end, *params])  # noqa: S608 (fixed names)
    by_bits = {bits: name for name, (_columns, bits, _profile) in CELL_SETS.items()}
    sums: Sums = {}
    for dimension, bits, group_format, month, programme, value, *figures in rows:
        name = dimension if dimension else by_bits[bits]
        key = {None: ALL, "format": group_format, "month": month, "calendar": (group_format, month)}.get(name, value)
        sums.setdefault(name, {})[_keyed(programme, key, by_programme)] = dict(
            zip(CELL_MEASURES, map(int, figures), strict=True))
    return sums


def _months(period: Period) -> tuple[date, date]:
    months = period.months()
    after = period.end.astimezone(LONDON).date()
    return months[0], after


def _people(period: Period, dimension: str | None, programmes: Collection[int] | None,
            by_programme: bool = False) -> Counts:
    """Participants, new participants and people who waited without a place.
    A period of one programme or of the installation reads its counts and
    its months' (`PeriodPeople`) in one query; several programmes together
    combine their people's rows: every breakdown but format in one query
    (grouping sets), and format in another. Within a report
    (`rollups.reading`) each runs once for all breakdowns. By programme,
    each programme's own counts, keyed (programme id, row)."""
    scope = None if programmes is None else tuple(sorted(set(programmes)))
    if scope is None or len(scope) == 1:
        counts = _once(("period people", period, scope, by_programme),
                       lambda: _people_of_period(period, scope, by_programme))
    elif dimension == "format":
        counts = _once(("people by format", period, scope, by_programme),
                       lambda: _people_by_format(period, programmes, by_programme))
    else:
        counts = _once(("people", period, scope, by_programme), lambda: _people_all(period, programmes, by_programme))
    return counts.get(dimension, {})


def _people_of_period(period: Period, scope: tuple[int, ...] | None,
                      by_programme: bool) -> dict[str | None, Counts]:
    """Every breakdown of a month, quarter or year of one programme (None:
    the installation), counted in advance: the period's rows and each of its
    months' (a few hundred rows for a year) in one query. By programme, each
    programme's rows (the installation's: every programme's)."""
    months = period.months()
    start, after = _months(period)
    if by_programme and scope is None:
        where, params = "programme_id <> 0", []
    else:
        where, params = "programme_id = %s", [0 if scope is None else scope[0]]
    # The period's own rows (`months` its length, starting at its first
    # month), and the whole-programme row of each month in it.
    rows = _rows(f"""SELECT programme_id, format, dimension, value, month, months, participants, new, waited
                     FROM reports_periodpeople WHERE {where} AND month >= %s AND month < %s
                     AND (months = %s OR (months = 1 AND format = '' AND dimension = ''))""",  # noqa: S608
                 [*params, start, after, len(months)])
    counts: dict[str | None, Counts] = {dimension: {} for dimension in (None, *PROFILE, "month", "format")}
    for programme, group_format, dimension, value, month, length, *figures in rows:
        row: dict[str, int | float | None] = dict(zip(PEOPLE, figures, strict=True))
        if length == 1 and not group_format and not dimension:
            counts["month"][_keyed(programme, month, by_programme)] = row
        if length != len(months):
            continue
        if group_format:
            counts["format"][_keyed(programme, group_format, by_programme)] = row
        elif dimension:
            counts[dimension][_keyed(programme, value, by_programme)] = row
        else:
            counts[None][_keyed(programme, ALL, by_programme)] = row
    if not by_programme:
        counts[None].setdefault(ALL, dict.fromkeys(PEOPLE, 0))
    return counts


def _people_cte(period: Period, programmes: Collection[int] | None, *, by_format: bool = False,
                by_programme: bool = False) -> tuple[str, list[Any]]:
    """Each person's months in the year (p: one row a person, or a person and
    format and/or programme) and their first month in the report's programmes
    (f; by programme, in each programme). The rollups hold a row per
    programme and one for all programmes (0): one programme, the
    installation or each programme reads its rows as they are; several
    programmes combine theirs per person."""
    mask = sum(1 << (month.month - 1) for month in period.months())
    scope = None if programmes is None else sorted(programmes)
    columns = "user_id" + (", programme_id" if by_programme else "") + (", format" if by_format else "")
    formats = "<>" if by_format else "="
    rows: list[Any]
    if by_programme:  # a row per person and programme: no combining
        where, rows = ("programme_id <> 0", []) if scope is None else ("programme_id = ANY(%s)", [scope])
        combined = False
    elif scope is None or len(scope) == 1:
        where, rows, combined = "programme_id = %s", [0 if scope is None else scope[0]], False
    else:
        where, rows, combined = "programme_id = ANY(%s)", [scope], True
    if combined:
        p = f"""SELECT {columns}, bit_or(attended) AS a, bit_or(waited) AS w FROM reports_personyear
                WHERE year = %s AND format {formats} '' AND {where}
                GROUP BY {columns} HAVING (bit_or(attended) | bit_or(waited)) & %s <> 0"""  # noqa: S608
        f = f"SELECT user_id, min(first_month) AS fm FROM reports_personfirst WHERE {where} GROUP BY 1"  # noqa: S608
    else:
        p = f"""SELECT {columns}, attended AS a, waited AS w FROM reports_personyear
                WHERE year = %s AND format {formats} '' AND {where} AND (attended | waited) & %s <> 0"""  # noqa: S608
        # by programme, new in each: a first attendance there, as its own report counts
        f = (f"SELECT user_id{', programme_id' if by_programme else ''}, first_month AS fm "  # noqa: S608
             f"FROM reports_personfirst WHERE {where}")
    return f"WITH p AS ({p}), f AS ({f})", [period.year, *rows, mask, *rows]  # noqa: S608 (fixed names)


def _joined(by_programme: bool) -> str:
    """Each person (by programme: in each programme) with their first month."""
    return f"p LEFT JOIN f USING (user_id{', programme_id' if by_programme else ''})"


def _people_all(period: Period, programmes: Collection[int] | None,
                by_programme: bool = False) -> dict[str | None, Counts]:
    """The whole period, each profile breakdown and each month, in one query."""
    months = period.months()
    mask = sum(1 << (month.month - 1) for month in months)
    cte, params = _people_cte(period, programmes, by_programme=by_programme)
    by_month = ", ".join(
        f"count(*) FILTER (WHERE a & {1 << (m.month - 1)} <> 0), "
        f"count(*) FILTER (WHERE a & {1 << (m.month - 1)} <> 0 AND fm = %s), "
        f"count(*) FILTER (WHERE w & {1 << (m.month - 1)} <> 0)" for m in months)
    lead = ["p.programme_id"] if by_programme else []
    sets = ", ".join(f"({', '.join([*lead, *column])})"
                     for column in ([], ["u.profession"], ["u.career_stage"], ["u.region"]))
    rows = _rows(f"""{cte}
        SELECT {lead[0] if by_programme else "0"}, GROUPING(u.profession, u.career_stage, u.region),
               u.profession, u.career_stage, u.region,
               count(*) FILTER (WHERE a & %s <> 0), count(*) FILTER (WHERE a & %s <> 0 AND fm >= %s),
               count(*) FILTER (WHERE w & %s <> 0), {by_month}
        FROM {_joined(by_programme)} JOIN accounts_user u ON u.id = p.user_id
        GROUP BY GROUPING SETS ({sets})""",  # noqa: S608 (fixed names)
                 [*params, mask, mask, months[0], mask, *months])
    counts: dict[str | None, Counts] = {dimension: {} for dimension in (None, *PROFILE, "month")}
    # GROUPING's bits, highest first: profession, career stage, region (1: not grouped by it).
    by_set = {0b111: None, 0b011: "profession", 0b101: "career_stage", 0b110: "region"}
    for programme, grouping, profession, career_stage, region, *figures in rows:
        dimension = by_set[grouping]
        if dimension is None:
            counts[None][_keyed(programme, ALL, by_programme)] = dict(zip(PEOPLE, figures[:3], strict=True))
            counts["month"] |= {_keyed(programme, m, by_programme): dict(
                zip(PEOPLE, figures[3 + 3 * i:6 + 3 * i], strict=True)) for i, m in enumerate(months)}
        else:
            value = {"profession": profession, "career_stage": career_stage, "region": region}[dimension]
            counts[dimension][_keyed(programme, value, by_programme)] = dict(zip(PEOPLE, figures[:3], strict=True))
    if ALL not in counts[None] and not by_programme:
        counts[None][ALL] = dict.fromkeys(PEOPLE, 0)
    return counts


def _people_by_format(period: Period, programmes: Collection[int] | None,
                      by_programme: bool = False) -> dict[str | None, Counts]:
    """By format: a person once in each format they came to."""
    cte, params = _people_cte(period, programmes, by_format=True, by_programme=by_programme)
    mask = sum(1 << (month.month - 1) for month in period.months())
    rows = _rows(f"""{cte}
        SELECT {"p.programme_id" if by_programme else "0"}, p.format, count(*) FILTER (WHERE a & %s <> 0),
               count(*) FILTER (WHERE a & %s <> 0 AND fm >= %s), count(*) FILTER (WHERE w & %s <> 0)
        FROM {_joined(by_programme)} GROUP BY 1, 2""",  # noqa: S608 (fixed names)
                 [*params, mask, mask, period.months()[0], mask])
    return {"format": {_keyed(programme, group_format, by_programme): dict(zip(PEOPLE, figures, strict=True))
                       for programme, group_format, *figures in rows}}


def _nonzero(counts: Counts, dimension: str | None, keep: Callable[[dict[str, Any]], object],
             by_programme: bool) -> Counts:
    """Rows as the raw queries give them: only those with something counted
    (the whole-period row always, but not each programme's)."""
    if dimension is None and not by_programme:
        return counts
    return {key: row for key, row in counts.items() if keep(row)}


def _from_rollups[**P, R](read: Callable[P, R]) -> Callable[P, R]:
    """The one place that chooses where figures come from: the rollups, once
    brought up to date, when they can give the figures as of the call's
    `now` (any `now` for figures that do not depend on it); otherwise
    `reports.raw`'s function of the same name, which has the definitions
    (another database than PostgreSQL, as the SQLite of `make run`; or a
    moment before the rollups' time with a session ending in between)."""
    from_raw: Callable[P, R] = getattr(raw, read.__name__)

    @wraps(read)
    def chosen(*args: P.args, **kwargs: P.kwargs) -> R:
        now = kwargs.get("now")
        usable = rollups.enabled() and (rollups.applied() if now is None else rollups.current(cast(datetime, now)))
        return read(*args, **kwargs) if usable else from_raw(*args, **kwargs)

    return chosen


@_from_rollups
def booking_counts(*, period: Period, now: datetime, dimension: str | None = None,
                   programmes: Collection[int] | None = None, by_programme: bool = False) -> Counts:
    """Places booked, attendances, participants and unmet demand, by `dimension`
    (a key of BOOKING_DIMENSIONS) or for the whole period (None); by_programme:
    each programme's own figures, keyed (programme id, row)."""
    start, end = _months(period)
    places = _cells(PLACES, start=start, end=end, dimension=dimension, programmes=programmes,
                    by_programme=by_programme)
    people = _people(period, dimension, programmes, by_programme)
    empty = dict.fromkeys((*PLACES, *PEOPLE), 0)
    counts: Counts = {key: empty | places.get(key, {}) | people.get(key, {})
                      for key in [*places, *(k for k in people if k not in places)] or [ALL]}
    return _nonzero(counts, dimension, lambda row: any(row.values()), by_programme)


@_from_rollups
def session_counts(*, period: Period, now: datetime, dimension: str | None = None,
                   programmes: Collection[int] | None = None, by_programme: bool = False) -> Counts:
    """Sessions held, by format or month (a session has no profession), and
    what the retention purge kept of their deleted bookings: how many held
    sessions were summarised (`summarised`) and the summaries' places and
    attendance (`summarised_<measure>`, None when there are none)."""
    start, end = _months(period)
    summaries = [f"summarised_{m}" for m in SUMMARISED]
    cells = _cells(["sessions_held", "summarised", *summaries], start=start, end=end, dimension=dimension,
                   programmes=programmes, by_programme=by_programme) or {ALL: {"sessions_held": 0, "summarised": 0}}
    counts: Counts = {
        key: {"sessions_held": row["sessions_held"], "summarised": row["summarised"],
              **{m: row[m] if row["summarised"] else None for m in summaries}}
        for key, row in cells.items()
    }
    return _nonzero(counts, dimension, lambda row: row["sessions_held"], by_programme)


@_from_rollups
def feedback_counts(*, period: Period, now: datetime, dimension: str | None = None,
                    programmes: Collection[int] | None = None, by_programme: bool = False) -> Counts:
    """Feedback responses, the spread of helpfulness (1–5) and its mean, by the
    held session's format or month. Comments are never read here."""
    start, end = _months(period)
    cells = _cells(["responses", *SCORES, "helpfulness_sum"], start=start, end=end, dimension=dimension,
                   programmes=programmes, by_programme=by_programme) or {
        ALL: dict.fromkeys(("responses", *SCORES, "helpfulness_sum"), 0)}
    counts: Counts = {
        key: {"responses": row["responses"],
              "mean": row["helpfulness_sum"] / row["responses"] if row["responses"] else None,
              **{score: row[score] for score in SCORES}}
        for key, row in cells.items()
    }
    return _nonzero(counts, dimension, lambda row: row["responses"], by_programme)


@_from_rollups
def session_calendar_counts(*, period: Period, programmes: Collection[int] | None = None,
                            by_programme: bool = False) -> Counts:
    """Sessions scheduled to start in the period (held, still to come or
    cancelled) and those cancelled, by (format, London month) in one query
    (by_programme: keyed (programme id, (format, month))).
    Figures about sessions, not people: the report publishes them exactly.
    They do not depend on `now`: only the changes need catching up."""
    start, end = _months(period)
    cells = _cells(["sessions_scheduled", "sessions_cancelled"], start=start, end=end, dimension="calendar",
                   programmes=programmes, by_programme=by_programme)
    return {key: dict(row) for key, row in cells.items() if row["sessions_scheduled"]}


@_from_rollups
def sessions_held_by_month(*, start: datetime, end: datetime, now: datetime,
                           programmes: Collection[int] | None = None) -> dict[date, tuple[int, int]]:
    """Sessions held (as `session_counts` defines it) in each London month
    from `start` to `end`, and those cancelled: {first day of the month:
    (held, cancelled)}, in one query (none within a report that already
    read these months)."""
    first, after = (moment.astimezone(LONDON) for moment in (start, end))
    if not all(m.day == 1 and m.time() == datetime.min.time() for m in (first, after)):
        return raw.sessions_held_by_month(start=start, end=end, now=now, programmes=programmes)
    cells = _cells(["sessions_held", "sessions_cancelled", "sessions_scheduled"], start=first.date(),
                   end=after.date(), dimension="month", programmes=programmes)
    return {month: (row["sessions_held"], row["sessions_cancelled"])
            for month, row in cells.items() if row["sessions_scheduled"] and isinstance(month, date)}
