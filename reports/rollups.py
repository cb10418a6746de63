"""Keeping the rollups (reports.models) true.

Database triggers note every change to a counted raw row in
`RollupChange`, inside the changing transaction (migration 0002). A catch-up
takes those notes and recomputes, from the raw rows, the rollups of the noted
sessions and people; it also recomputes the sessions that have *ended* since
the last catch-up (a session becomes held by time passing, which changes no
row). Catch-ups run every minute (Celery beat), and before every read
(`current`), so a report never shows figures older than its own `now`.

A catch-up is idempotent: it recomputes rows from the raw rows rather than
adding deltas, so running it twice, or after a rebuild, changes nothing.
Catch-ups and rebuilds take one PostgreSQL advisory lock and run in one
transaction; the notes are taken (deleted) *before* the raw rows are read,
so a change committed meanwhile either is seen by the recompute or leaves its
note for the next catch-up.
"""

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

LOCK = 0x7265706f72747321  # "reports!": one advisory lock for every catch-up and rebuild
MONTH = "(date_trunc('month', s.starts_at AT TIME ZONE 'Europe/London'))::date"
ATTENDED = "b.status = 'confirmed' AND b.attendance = 'attended'"
WAITED = ("(b.status = 'waitlisted' OR (b.status = 'cancelled' AND b.confirmed_at IS NULL "
          "AND b.queued_at IS NOT NULL))")
MEASURES = ["places_booked", "attended", "no_show", "not_recorded", "summarised", "summarised_places_booked",
            "summarised_attended", "summarised_no_show", "summarised_not_recorded", "responses",
            "score_1", "score_2", "score_3", "score_4", "score_5", "helpfulness_sum"]
TABLES = ("sessionrollup", "cellrollup", "personyear", "personfirst", "periodpeople")
Key = tuple[int, str, object]  # (programme, format, month) of a cell
_reading: ContextVar[tuple[datetime, dict] | None] = ContextVar("rollups_reading", default=None)


def enabled() -> bool:
    """Rollups are kept on PostgreSQL (triggers, advisory locks); on another
    database (the embedded SQLite of `make run`) reports read the raw rows
    (`reports.selectors` chooses)."""
    return connection.vendor == "postgresql"


def current(now: datetime) -> bool:
    """Catch up if anything changed or ended since the last catch-up; True
    when the rollups then give the figures as of `now` (False: a session ends
    between `now` and the rollups' time, as when asking about the past).
    Within `reading(now)`, checked once."""
    memo = memo_for(now)
    if memo is not None and "current" in memo:
        answer: bool = memo["current"]
        return answer
    return _checked(now, None)[0]


StampScope = tuple[Collection[int] | None, date, date]  # (programmes, None: all; first month; month after)


def stamp(now: datetime, *, programmes: Collection[int] | None, start: date, end: date) -> str | None:
    """When the rollups of these programmes' (None: the installation's)
    London months [start, end) last changed, once they are up to date as
    `current` brings them: a report's figures of those months are the same
    for as long as this is. None when the rollups cannot answer for `now`
    (or are not kept: another database). In the query of `current`'s check
    when it is the first read of a `reading`, else one query of its own."""
    if not enabled():
        return None
    scope = (programmes, start, end)
    memo = memo_for(now)
    if memo is None or "current" not in memo:
        answer, latest = _checked(now, scope)
        return latest if answer else None
    if not memo["current"]:
        return None
    sql, params = _stamp_sql(scope)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return _stamp_text(cursor.fetchone()[0])


def _checked(now: datetime, scope: StampScope | None) -> tuple[bool, str | None]:
    """`current`'s check, and the `stamp` of `scope` read in the same query."""
    state = _state(now, scope)
    if state is None or state[1] or state[2]:
        catch_up(now)
        state = _state(now, scope)
    answer = state is not None and not state[3]
    memo = memo_for(now)
    if memo is not None:
        memo["current"] = answer
    return answer, None if state is None or scope is None else _stamp_text(state[4])


def _stamp_sql(scope: StampScope) -> tuple[str, list]:
    programmes, start, end = scope
    where = "" if programmes is None else " AND programme_id = ANY(%s)"
    return (f"(SELECT max(changed) FROM reports_rollupstamp WHERE month >= %s AND month < %s{where})",  # noqa: S608
            [start, end, *([] if programmes is None else [list(programmes)])])


def _stamp_text(changed: datetime | None) -> str:
    return "never" if changed is None else changed.isoformat()


def applied() -> bool:
    """Catch up with the changes, not with time (for figures that do not
    depend on `now`): the rollups can then always answer."""
    reading = _reading.get()
    if reading is not None and "current" in reading[1]:
        return True  # this report's reads have already caught up
    with connection.cursor() as cursor:
        cursor.execute("""SELECT coalesce(bool_or(needs_rebuild), true) OR EXISTS (SELECT 1 FROM reports_rollupchange)
                          FROM reports_rollupstate WHERE id = 1""")
        if cursor.fetchone()[0]:
            catch_up(advance=False)
    return True


@contextmanager
def reading(now: datetime) -> Iterator[None]:
    """Several reads as of `now` that change nothing in between (one report,
    and its trend): the rollups are brought up to date once, for all of them,
    and figures several reads share are read once (`memo`). Nested, the
    outer one holds."""
    if memo_for(now) is not None:
        yield
        return
    token = _reading.set((now, {}))
    try:
        yield
    finally:
        _reading.reset(token)


def memo() -> dict | None:
    """Within `reading`: a dict for figures read once and used by several calls."""
    reading = _reading.get()
    return None if reading is None else reading[1]


def memo_for(now: datetime) -> dict | None:
    """The `memo` of a `reading` as of `now`, if in one."""
    reading = _reading.get()
    return reading[1] if reading is not None and reading[0] == now else None


def _forget() -> None:
    """A catch-up within a `reading` (asked about another moment): what it
    read before may have changed."""
    reading = _reading.get()
    if reading is not None:
        reading[1].clear()


def _state(now: datetime, scope: StampScope | None = None) -> tuple | None:
    """(rolled up to, changes waiting or a rebuild needed, a session ended
    since, a session ends between `now` and the rollups' time; and the
    latest stamp of `scope`, if given) — one query."""
    stamp_sql, stamp_params = _stamp_sql(scope) if scope is not None else ("NULL", [])
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT t.rolled_up_to,
                   t.needs_rebuild OR EXISTS (SELECT 1 FROM reports_rollupchange),
                   EXISTS (SELECT 1 FROM reports_sessionrollup r WHERE r.dimension = '' AND r.status = 'scheduled'
                           AND r.ends_at > t.rolled_up_to AND r.ends_at <= least(%s, now())),
                   EXISTS (SELECT 1 FROM reports_sessionrollup r WHERE r.dimension = '' AND r.status = 'scheduled'
                           AND r.ends_at > least(%s, t.rolled_up_to) AND r.ends_at <= greatest(%s, t.rolled_up_to)),
                   {stamp_sql}
            FROM reports_rollupstate t WHERE t.id = 1""", [now, now, now, *stamp_params])  # noqa: S608 (fixed SQL)
        return cursor.fetchone()


def catch_up(now: datetime | None = None, *, advance: bool = True) -> None:
    """Recompute what changed since the last catch-up, and what ended up to
    `now` (never past the clock: a report asking about the future does not
    move the rollups there). `advance=False`: only the changes, at the
    rollups' own time."""
    if not enabled():
        return
    _forget()
    target = min(now or timezone.now(), timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute("SELECT rolled_up_to, needs_rebuild FROM reports_rollupstate WHERE id = 1")
        row = cursor.fetchone()
        if row is None or row[1]:
            _rebuild(cursor, target)
            return
        upto = max(row[0], target) if advance else row[0]
        cursor.execute("DELETE FROM reports_rollupchange RETURNING session_id, user_id")
        changes = cursor.fetchall()
        sessions = {session for session, _user in changes if session is not None}
        users = {user for _session, user in changes if user is not None}
        if upto > row[0]:  # sessions held since: their figures and their people's
            cursor.execute("""
                SELECT s.id, b.user_id FROM groups_groupsession s LEFT JOIN signups_booking b ON b.session_id = s.id
                WHERE s.ends_at > %s AND s.ends_at <= %s""", [row[0], upto])
            for session, user in cursor.fetchall():
                sessions.add(session)
                if user is not None:
                    users.add(user)
        cells = _recompute_sessions(cursor, sorted(sessions), upto)
        months = _recompute_people(cursor, sorted(users), upto)
        _stamp(cursor, {(programme, month) for programme, _format, month in cells or ()}
               | {(programme, date(year, n, 1)) for (programme, _format, year), bits in (months or {}).items()
                  for n in range(1, 13) if bits & 1 << (n - 1)})
        cursor.execute("UPDATE reports_rollupstate SET rolled_up_to = %s WHERE id = 1", [upto])


def rebuild(now: datetime | None = None) -> None:
    """Every rollup from scratch, true as of `now` (`manage.py rollups_rebuild`,
    which runs it on PostgreSQL only)."""
    _forget()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        _rebuild(cursor, min(now or timezone.now(), timezone.now()))


def _rebuild(cursor, upto: datetime) -> None:
    cursor.execute("DELETE FROM reports_rollupchange")  # first: see the module's docstring
    for table in TABLES:
        cursor.execute(f"DELETE FROM reports_{table}")  # noqa: S608 (our own table names)
    _recompute_sessions(cursor, None, upto)
    _recompute_people(cursor, None, upto)
    _stamp(cursor, None)
    for table in TABLES:
        # The planner's figures for the tables just filled (autovacuum would
        # take a while): without them it guesses one row and nests loops.
        cursor.execute(f"ANALYZE reports_{table}")
    cursor.execute("""
        INSERT INTO reports_rollupstate (id, rolled_up_to, needs_rebuild) VALUES (1, %s, false)
        ON CONFLICT (id) DO UPDATE SET rolled_up_to = EXCLUDED.rolled_up_to, needs_rebuild = false""", [upto])


def _stamp(cursor, months: set[tuple[int, date]] | None) -> None:
    """Stamp these (programme, London month) pairs (None: every month ever
    stamped or rolled up, since a rebuild may change any) with one time later
    than every stamp before: the clock, or just after the latest stamp when
    the clock is behind it. So the latest stamp of any set of months changes
    whenever one of them is stamped (`stamp`). In the catch-up's transaction,
    under its lock: a stamp is seen with the rows it stamps, never before."""
    if months is None:
        keys, params = ("""SELECT programme_id, month FROM reports_rollupstamp
                           UNION SELECT programme_id, month FROM reports_cellrollup
                           UNION SELECT programme_id, month FROM reports_periodpeople"""), []
    elif not months:
        return
    else:
        ordered = sorted(months)
        keys, params = "SELECT * FROM unnest(%s::bigint[], %s::date[])", [[p for p, _m in ordered],
                                                                          [m for _p, m in ordered]]
    cursor.execute(f"""
        INSERT INTO reports_rollupstamp (programme_id, month, changed)
        SELECT k.programme_id, k.month, t.at
        FROM ({keys}) k(programme_id, month),
             (SELECT greatest(clock_timestamp(), max(changed) + interval '1 microsecond')
              FROM reports_rollupstamp) t(at)
        ON CONFLICT (programme_id, month) DO UPDATE SET changed = EXCLUDED.changed""", params)  # noqa: S608


def _where(column: str, ids: list | None) -> tuple[str, list]:
    return ("true", []) if ids is None else (f"{column} = ANY(%s)", [ids])


def _recompute_sessions(cursor, ids: list[int] | None, upto: datetime) -> set[Key] | None:
    """The rows of these sessions (None: all), then the cells they were and
    are in; those cells' keys (None: all)."""
    if ids == []:
        return set()
    where, params = _where("session_id", ids)
    cursor.execute(f"DELETE FROM reports_sessionrollup WHERE {where} "  # noqa: S608
                   "RETURNING programme_id, format, month", params)
    keys: set[Key] = set(cursor.fetchall())
    where, params = _where("s.id", ids)
    session = f"s.id, g.programme_id, g.format, {MONTH}, s.status, s.ends_at"
    counts = f"""count(*) FILTER (WHERE b.status = 'confirmed'), count(*) FILTER (WHERE {ATTENDED}),
                 count(*) FILTER (WHERE b.status = 'confirmed' AND b.attendance = 'no_show'),
                 count(*) FILTER (WHERE b.status = 'confirmed' AND b.attendance = 'unknown')"""
    columns = "session_id, programme_id, format, month, status, ends_at, dimension, value"
    cursor.execute(f"""
        INSERT INTO reports_sessionrollup ({columns}, {", ".join(MEASURES)})
        SELECT {session}, '', '', coalesce(b.places_booked, 0), coalesce(b.attended, 0), coalesce(b.no_show, 0),
               coalesce(b.not_recorded, 0), (a.id IS NOT NULL)::int, coalesce(a.confirmed, 0),
               coalesce(a.attended, 0), coalesce(a.no_show, 0), coalesce(a.not_recorded, 0),
               f.responses, f.score_1, f.score_2, f.score_3, f.score_4, f.score_5, f.helpfulness_sum
        FROM groups_groupsession s JOIN groups_peergroup g ON g.id = s.group_id
        LEFT JOIN LATERAL (SELECT {counts} FROM signups_booking b WHERE b.session_id = s.id)
            b(places_booked, attended, no_show, not_recorded) ON true
        LEFT JOIN privacy_sessionattendancesummary a ON a.session_id = s.id
        CROSS JOIN LATERAL (
            SELECT count(*), count(*) FILTER (WHERE helpfulness = 1), count(*) FILTER (WHERE helpfulness = 2),
                   count(*) FILTER (WHERE helpfulness = 3), count(*) FILTER (WHERE helpfulness = 4),
                   count(*) FILTER (WHERE helpfulness = 5), coalesce(sum(helpfulness), 0)
            FROM signups_feedback WHERE session_id = s.id
        ) f(responses, score_1, score_2, score_3, score_4, score_5, helpfulness_sum)
        WHERE {where}
        RETURNING programme_id, format, month""", params)  # noqa: S608 (fixed SQL and column names)
    keys |= set(cursor.fetchall())
    cursor.execute(f"""
        INSERT INTO reports_sessionrollup ({columns}, places_booked, attended, no_show, not_recorded)
        SELECT {session}, d.dimension, d.value, {counts}
        FROM signups_booking b JOIN groups_groupsession s ON s.id = b.session_id
        JOIN groups_peergroup g ON g.id = s.group_id JOIN accounts_user u ON u.id = b.user_id
        CROSS JOIN LATERAL (VALUES ('profession', u.profession), ('career_stage', u.career_stage),
                                   ('region', u.region)) d(dimension, value)
        WHERE {where} AND b.status = 'confirmed'
        GROUP BY s.id, g.programme_id, g.format, s.starts_at, s.status, s.ends_at, d.dimension, d.value
        """, params)  # noqa: S608 (fixed SQL)
    _recompute_cells(cursor, None if ids is None else keys, upto)
    return None if ids is None else keys


def _recompute_cells(cursor, keys: Iterable[Key] | None, upto: datetime) -> None:
    """Cells (None: all) summed again from their sessions' rows."""
    if keys is None:
        join, params = "", []
        cursor.execute("DELETE FROM reports_cellrollup")
    else:
        keys = sorted(keys, key=str)
        if not keys:
            return
        params = [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]]
        join = """JOIN unnest(%s::bigint[], %s::text[], %s::date[]) k(programme_id, format, month)
                  ON k.programme_id = r.programme_id AND k.format = r.format AND k.month = r.month"""
        cursor.execute("""
            DELETE FROM reports_cellrollup r
            USING unnest(%s::bigint[], %s::text[], %s::date[]) k(programme_id, format, month)
            WHERE k.programme_id = r.programme_id AND k.format = r.format AND k.month = r.month""", params)
    held = "r.status = 'scheduled' AND r.ends_at <= %s"
    sums = ", ".join(f"coalesce(sum(r.{m}) FILTER (WHERE {held}), 0)" for m in MEASURES)
    cursor.execute(f"""
        INSERT INTO reports_cellrollup (programme_id, format, month, dimension, value, sessions_scheduled,
                                        sessions_cancelled, sessions_held, {", ".join(MEASURES)})
        SELECT r.programme_id, r.format, r.month, r.dimension, r.value,
               count(*) FILTER (WHERE r.dimension = ''),
               count(*) FILTER (WHERE r.dimension = '' AND r.status = 'cancelled'),
               count(*) FILTER (WHERE r.dimension = '' AND {held}), {sums}
        FROM reports_sessionrollup r {join}
        GROUP BY r.programme_id, r.format, r.month, r.dimension, r.value
        """, [upto, *[upto] * len(MEASURES), *params])  # noqa: S608 (fixed SQL and column names)


PersonRow = tuple[int, int, str, int]  # (user, programme, format, year) of a PersonYear row


def _recompute_people(cursor, ids: list[int] | None, upto: datetime) -> dict[tuple[int, str, int], int] | None:
    """These people's months of attendance and waiting (None: everyone's),
    then the counts of the periods (`PeriodPeople`) their changes touch;
    the months touched, as `_changed_months` gives them (None: all)."""
    if ids == []:
        return {}
    where, params = _where("user_id", ids)
    returning = "RETURNING user_id, programme_id, format, year, attended, waited, first_month, " \
                "profession, career_stage, region"
    cursor.execute(f"DELETE FROM reports_personyear WHERE {where} {returning}", params)  # noqa: S608
    before = {tuple(row[:4]): row[4:] for row in cursor.fetchall()}
    cursor.execute(f"DELETE FROM reports_personfirst WHERE {where}", params)  # noqa: S608
    where, params = _where("b.user_id", ids)
    cursor.execute(f"""
        INSERT INTO reports_personfirst (user_id, programme_id, first_month)
        SELECT b.user_id, pr.programme_id, min({MONTH})
        FROM signups_booking b JOIN groups_groupsession s ON s.id = b.session_id
        JOIN groups_peergroup g ON g.id = s.group_id
        CROSS JOIN LATERAL (VALUES (g.programme_id), (0)) pr(programme_id)
        WHERE {where} AND s.status = 'scheduled' AND {ATTENDED}
        GROUP BY 1, 2""", params)  # noqa: S608 (fixed SQL)
    bit = "(1 << (extract(month FROM s.starts_at AT TIME ZONE 'Europe/London')::int - 1))"
    # Each person's rows once for each programme and once for all of them
    # (programme 0), so a report of one programme or of the installation
    # reads one row a person, as the planner expects.
    cursor.execute(f"""
        INSERT INTO reports_personyear (user_id, programme_id, year, format, attended, waited, first_month,
                                        profession, career_stage, region)
        SELECT y.*, f.first_month, u.profession, u.career_stage, u.region
        FROM (SELECT b.user_id, pr.programme_id,
                     extract(year FROM s.starts_at AT TIME ZONE 'Europe/London')::int AS year, f.format,
                     bit_or(CASE WHEN {ATTENDED} THEN {bit} ELSE 0 END),
                     bit_or(CASE WHEN {WAITED} THEN {bit} ELSE 0 END)
              FROM signups_booking b JOIN groups_groupsession s ON s.id = b.session_id
              JOIN groups_peergroup g ON g.id = s.group_id
              CROSS JOIN LATERAL (VALUES (g.format), ('')) f(format)
              CROSS JOIN LATERAL (VALUES (g.programme_id), (0)) pr(programme_id)
              WHERE {where} AND s.status = 'scheduled' AND s.ends_at <= %s AND (({ATTENDED}) OR {WAITED})
              GROUP BY 1, 2, 3, 4) y
        JOIN accounts_user u ON u.id = y.user_id
        LEFT JOIN reports_personfirst f ON f.user_id = y.user_id AND f.programme_id = y.programme_id
        ORDER BY y.year, y.format, y.programme_id  -- a year of one programme and format together on disk
        {"" if ids is None else returning}""", [*params, upto])  # noqa: S608 (fixed SQL)
    if ids is None:
        _recount_periods(cursor, None)
        return None
    after = {tuple(row[:4]): row[4:] for row in cursor.fetchall()}
    months = _changed_months(before, after)
    _recount_periods(cursor, months)
    return months


def _changed_months(before: dict[PersonRow, tuple], after: dict[PersonRow, tuple]) -> dict[tuple[int, str, int], int]:
    """{(programme, format, year): the months (bits) whose counts these
    people's changed rows touch}. A row counts in a month as a participant
    (its attended bit), new (that bit, and its first month is that month),
    waited (its waited bit), under its profile; and so in the quarter and
    the year of that month."""
    months: dict[tuple[int, str, int], int] = {}
    nothing = (0, 0, None, None, None, None)
    for key in before.keys() | after.keys():
        old, new = before.get(key, nothing), after.get(key, nothing)
        if old == new:
            continue
        (a, w, first, *profile), (a2, w2, first2, *profile2) = old, new
        bits = (a ^ a2) | (w ^ w2)
        if profile != profile2:
            bits |= a | w | a2 | w2
        if first != first2:
            bits |= sum(1 << (fm.month - 1) for fm in {first, first2} if fm is not None and fm.year == key[3])
        if bits:
            _user, programme, group_format, year = key
            months[programme, group_format, year] = months.get((programme, group_format, year), 0) | bits
    return months


# The calendar periods of a London year whose people are counted in advance
# (`PeriodPeople`): (first month, months) of each month, quarter and the year.
PERIODS = [(n, 1) for n in range(1, 13)] + [(n, 3) for n in (1, 4, 7, 10)] + [(1, 12)]


def _mask(first: int, months: int) -> int:
    """The bits of a period's months in a `PersonYear` mask (bit 0: January)."""
    return ((1 << months) - 1) << (first - 1)


def _recount_periods(cursor, months: dict[tuple[int, str, int], int] | None) -> None:
    """The `PeriodPeople` counts of the months, quarters and years these
    (programme, format, year) month bits fall in (None: all), counted again
    from every person's row of those years: distinct people, so a change to
    one person is a recount, never a delta. Each row is read once: its
    counts for every period are columns of one aggregate (by profile too,
    grouping sets), then a row a period. A period touched in one key is
    recounted in all (the same read; recounting changes nothing)."""
    if months is None:
        periods, rows, params = PERIODS, "reports_personyear p", []
        cursor.execute("DELETE FROM reports_periodpeople")
    else:
        touched = 0
        for bits in months.values():
            touched |= bits
        periods = [(n, span) for n, span in PERIODS if touched & _mask(n, span)]
        if not periods:
            return
        keys = sorted(months)
        params = [[k[i] for k in keys] for i in range(3)]
        cursor.execute("""
            DELETE FROM reports_periodpeople r
            USING unnest(%s::bigint[], %s::text[], %s::int[]) k(programme_id, format, year),
                  unnest(%s::int[], %s::int[]) t(n, months)
            WHERE r.programme_id = k.programme_id AND r.format = k.format
              AND r.month = make_date(k.year, t.n, 1) AND r.months = t.months""",
                       [*params, [n for n, _span in periods], [span for _n, span in periods]])
        # The keys' years, formats and programmes as constants too, so the
        # planner reads them through the index rather than every row.
        rows = """reports_personyear p
                  JOIN unnest(%s::bigint[], %s::text[], %s::int[]) k(programme_id, format, year)
                  ON p.year = k.year AND p.format = k.format AND p.programme_id = k.programme_id
                  WHERE p.year = ANY(%s) AND p.format = ANY(%s) AND p.programme_id = ANY(%s)"""
        params += [sorted({k[2] for k in keys}), sorted({k[1] for k in keys}), sorted({k[0] for k in keys})]
    # Participants, new and waited of each period, in `periods`' order. New:
    # attended in the period and first attended in the programme no earlier
    # than its first month (never later than a month they attended).
    figures = ", ".join(
        f"count(*) FILTER (WHERE p.attended & {_mask(n, span)} <> 0), "
        f"count(*) FILTER (WHERE p.attended & {_mask(n, span)} <> 0 AND p.first_month >= make_date(p.year, {n}, 1)), "
        f"count(*) FILTER (WHERE p.waited & {_mask(n, span)} <> 0)" for n, span in periods)
    columns = ", ".join(f"({n}, {span}, {3 * i + 1})" for i, (n, span) in enumerate(periods))
    # GROUPING's bits, highest first: profession, career stage, region (1: not grouped by it).
    # A period has a row where anyone attended or waited in it.
    cursor.execute(f"""
        INSERT INTO reports_periodpeople (programme_id, format, month, months, dimension, value, participants, new,
                                          waited)
        SELECT c.programme_id, c.format, make_date(c.year, k.n, 1), k.months, c.dimension, c.value,
               c.figures[k.i], c.figures[k.i + 1], c.figures[k.i + 2]
        FROM (SELECT p.programme_id, p.format, p.year,
                     CASE GROUPING(p.profession, p.career_stage, p.region) WHEN 3 THEN 'profession'
                          WHEN 5 THEN 'career_stage' WHEN 6 THEN 'region' ELSE '' END AS dimension,
                     coalesce(p.profession, p.career_stage, p.region, '') AS value,
                     ARRAY[{figures}] AS figures
              FROM {rows}
              GROUP BY GROUPING SETS ((p.programme_id, p.format, p.year),
                                      (p.programme_id, p.format, p.year, p.profession),
                                      (p.programme_id, p.format, p.year, p.career_stage),
                                      (p.programme_id, p.format, p.year, p.region))
              HAVING p.format = '' OR GROUPING(p.profession, p.career_stage, p.region) = 7) c
        CROSS JOIN (VALUES {columns}) k(n, months, i)
        WHERE c.figures[k.i] <> 0 OR c.figures[k.i + 2] <> 0""", params)  # noqa: S608 (fixed SQL)
