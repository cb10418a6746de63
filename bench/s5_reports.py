"""S5 reports: the participation report of a year over 1,000,000 bookings
(two years, 300 groups, 12,000 people), as the page and as the CSV, and a
month's page, through a real server; against the same aggregation of the raw
rows hand-written in raw SQL through psycopg in the same run (the baseline:
the pages read the rollups, reports.rollups). Also the time the rollups take
to rebuild from scratch, the queries each page makes and the memory used."""

import asyncio
import statistics
import time
import tracemalloc
from datetime import timedelta

from bench.common import DATABASE_URL, HttpConn, Result, Server, env_int, ms, ratio
from bench.fixtures import cookies_for, make_users

PEOPLE = 12_000
GROUPS = 300
WEEKS = 104  # one session a group a week, for two years
FORMATS = ["schwartz", "balint", "reflective", "common_room", "narrative", "group_analytic", "webinar"]


def _generate(rows: int) -> tuple[int, float]:
    """Groups, weekly sessions and `rows` bookings written by PostgreSQL
    itself (INSERT … SELECT generate_series), plus feedback on some
    attendances; returns the bookings written and the seconds taken. As a
    restore would, it writes with triggers off, so the report rollups are
    rebuilt afterwards (`_rebuild_rollups`)."""
    from django.db import connection
    from django.utils import timezone

    from groups.models import GroupSession, PeerGroup
    from signups.models import Booking, Feedback

    t0 = time.monotonic()
    make_users(PEOPLE, "s5p")
    PeerGroup.objects.bulk_create([
        PeerGroup(title=f"S5 group {i}", format=FORMATS[i % len(FORMATS)], description="Bench.", membership="open",
                  capacity=40, duration_minutes=75, status=PeerGroup.Status.PUBLISHED) for i in range(GROUPS)])
    first = timezone.now() - timedelta(days=7 * WEEKS + 7)
    per_session = -(-rows // (GROUPS * WEEKS))  # ceiling
    group, session = PeerGroup._meta.db_table, GroupSession._meta.db_table
    booking, feedback = Booking._meta.db_table, Feedback._meta.db_table
    with connection.cursor() as cursor:
        # As pg_restore does: no per-row foreign-key triggers while loading
        # rows whose keys come from the tables themselves.
        cursor.execute("SET session_replication_role = replica")
        # Every group meets weekly on its own day and hour; 1 in 40 sessions is cancelled.
        cursor.execute(f"""
            INSERT INTO {session} (code, group_id, starts_at, ends_at, status, is_exception, cancelled_reason,
                                   sequence, cancelled_by_archive, created_at, updated_at)
            SELECT substr(md5('s5/' || g.id || '/' || w), 1, 16), g.id, t, t + interval '75 minutes',
                   CASE WHEN (g.id + w) %% 40 = 0 THEN 'cancelled' ELSE 'scheduled' END, false, '', 0, false,
                   now(), now()
            FROM {group} g CROSS JOIN generate_series(0, %s - 1) w
            CROSS JOIN LATERAL (SELECT %s::timestamptz + w * interval '7 days' + (g.id %% 7) * interval '1 day'
                                       + (g.id %% 10) * interval '1 hour' AS t) tt
            WHERE g.title LIKE 'S5 group %%'""", [WEEKS, first])  # noqa: S608 (table names from the models)
        # Each session books `per_session` different people (consecutive in a
        # shuffled order), with realistic outcomes: most places confirmed and
        # attended, some no-shows and unrecorded registers, some cancelled,
        # some who waited in vain.
        cursor.execute(f"""
            WITH people AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user WHERE email LIKE 's5p%%'),
            sessions AS (
                SELECT id, starts_at, row_number() OVER (ORDER BY id) AS n FROM {session}),
            places AS (
                SELECT s.id AS session_id, s.starts_at, p.id AS user_id, k, random() AS r, random() AS a
                FROM sessions s CROSS JOIN generate_series(0, %s - 1) k
                JOIN people p ON p.n = (s.n * 389 + k) %% %s
                LIMIT %s)
            INSERT INTO {booking} (code, session_id, user_id, status, queued_at, confirmed_at, cancelled_at,
                                   late_cancellation, attendance, feedback_given, via_membership,
                                   sequence, created_at, updated_at)
            SELECT substr(md5('s5/' || session_id || '/' || k), 1, 16), session_id, user_id,
                   CASE WHEN r < 0.85 THEN 'confirmed' WHEN r < 0.95 THEN 'cancelled' ELSE 'waitlisted' END,
                   starts_at - interval '7 days',
                   CASE WHEN r < 0.92 THEN starts_at - interval '7 days' END,
                   CASE WHEN r >= 0.85 AND r < 0.95 THEN starts_at - interval '1 day' END,
                   r >= 0.90 AND r < 0.92,
                   CASE WHEN r >= 0.85 THEN 'unknown' WHEN a < 0.75 THEN 'attended'
                        WHEN a < 0.90 THEN 'no_show' ELSE 'unknown' END,
                   false, false, 0, now(), now()
            FROM places""", [per_session, PEOPLE, rows])  # noqa: S608 (table names from the models)
        written = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO {feedback} (session_id, helpfulness, comment, given_on)
            SELECT b.session_id, 1 + floor(random() * 5)::int, '', (s.ends_at AT TIME ZONE 'Europe/London')::date
            FROM {booking} b JOIN {session} s ON s.id = b.session_id
            WHERE b.attendance = 'attended' AND b.status = 'confirmed' AND random() < 0.2""")  # noqa: S608 (table names from the models)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, for index-only scans
    return written, time.monotonic() - t0


def _rebuild_rollups() -> float:
    """`manage.py rollups_rebuild`, timed: the seconds it took."""
    from django.core.management import call_command

    t0 = time.monotonic()
    call_command("rollups_rebuild")
    return time.monotonic() - t0


def _raw_sql(start, end, now) -> list[tuple[str, list]]:
    """The report's twelve aggregations, hand-written (reports/selectors.py
    has the definitions)."""
    from groups.models import GroupSession
    from privacy.models import SessionAttendanceSummary
    from signups.models import Booking, Feedback

    session, booking = GroupSession._meta.db_table, Booking._meta.db_table
    summary, feedback = SessionAttendanceSummary._meta.db_table, Feedback._meta.db_table
    held = "s.status = 'scheduled' AND s.starts_at >= %s AND s.starts_at < %s AND s.ends_at <= %s"
    month = "date_trunc('month', s.starts_at AT TIME ZONE 'Europe/London')"
    keys = {None: ("NULL", ""), "format": ("g.format", "JOIN groups_peergroup g ON g.id = s.group_id"),
            "profession": ("u.profession", "JOIN accounts_user u ON u.id = b.user_id"),
            "career_stage": ("u.career_stage", "JOIN accounts_user u ON u.id = b.user_id"),
            "region": ("u.region", "JOIN accounts_user u ON u.id = b.user_id"),
            "month": (f"{month}::date", "")}
    attended = "b.status = 'confirmed' AND b.attendance = 'attended'"
    before = f"""SELECT e.user_id FROM {booking} e JOIN {session} es ON es.id = e.session_id
                 WHERE e.status = 'confirmed' AND e.attendance = 'attended' AND es.status = 'scheduled'
                   AND es.starts_at < """  # noqa: S608 (table names from the models)
    statements = []
    for dimension, (key, join) in keys.items():
        # New: not among those who attended before the period (hashed once) and,
        # by month, no attendance earlier in the period either.
        new = f"{attended} AND b.user_id NOT IN ({before} %s)"
        if dimension == "month":
            new += f" AND NOT EXISTS ({before} ({month} AT TIME ZONE 'Europe/London') AND e.user_id = b.user_id)"
        statements.append((f"""
            SELECT {key},
                   count(*) FILTER (WHERE b.status = 'confirmed'),
                   count(*) FILTER (WHERE {attended}),
                   count(*) FILTER (WHERE b.status = 'confirmed' AND b.attendance = 'no_show'),
                   count(*) FILTER (WHERE b.status = 'confirmed' AND b.attendance = 'unknown'),
                   count(DISTINCT b.user_id) FILTER (WHERE {attended}),
                   count(DISTINCT b.user_id) FILTER (WHERE {new}),
                   count(DISTINCT b.user_id) FILTER (WHERE b.status = 'waitlisted' OR (b.status = 'cancelled'
                       AND b.confirmed_at IS NULL AND b.queued_at IS NOT NULL))
            FROM {booking} b JOIN {session} s ON s.id = b.session_id {join}
            WHERE {held} GROUP BY 1""", [start, start, end, now]))  # noqa: S608 (table names from the models)
    for key, join in [keys[None], keys["format"], (f"{month}::date", "")]:
        statements.append((f"""
            SELECT {key}, count(*), count(a.id), sum(a.confirmed), sum(a.attended), sum(a.no_show),
                   sum(a.not_recorded)
            FROM {session} s LEFT JOIN {summary} a ON a.session_id = s.id {join}
            WHERE {held} GROUP BY 1""", [start, end, now]))  # noqa: S608 (table names from the models)
        scores = ", ".join(f"count(*) FILTER (WHERE f.helpfulness = {n})" for n in range(1, 6))
        statements.append((f"""
            SELECT {key}, count(*), avg(f.helpfulness), {scores}
            FROM {feedback} f JOIN {session} s ON s.id = f.session_id {join}
            WHERE {held} GROUP BY 1""", [start, end, now]))  # noqa: S608 (table names from the models)
    return statements


def _in_process(admin, paths: dict[str, str]) -> dict[str, tuple[int, float, float]]:
    """Each request once in this process: its queries (as S6 counts them),
    time and peak Python memory (tracemalloc)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    figures = {}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    session = client.session
    session["mfa_ok"] = True
    session.save()
    for name, path in paths.items():
        tracemalloc.start()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        figures[name] = (len(ctx.captured_queries) if status == 200 else -status, seconds, peak)
    return figures


async def _measure(port: int, cookies: dict, paths: dict[str, str], statements, repeats: int,
                   page_repeats: int) -> dict[str, list[float]]:
    """Time the raw SQL, then each page, in turn `repeats` times, so a busy
    moment on a shared machine falls on both sides alike; then each page
    `page_repeats` times more (the raw SQL takes seconds a run), for a p95."""
    import psycopg

    conn = HttpConn(port, cookies)
    times: dict[str, list[float]] = {"raw": [], **{name: [] for name in paths}}

    async def each_page() -> None:
        for name, path in paths.items():
            t0 = time.perf_counter()
            status, _, body = await conn.request("GET", path, timeout=300)
            times[name].append(time.perf_counter() - t0)
            if status != 200 or not body:
                raise RuntimeError(f"{path} answered {status}")

    try:
        with psycopg.connect(DATABASE_URL) as db:
            for _ in range(repeats):
                t0 = time.perf_counter()
                for sql, params in statements:
                    db.execute(sql, params).fetchall()
                times["raw"].append(time.perf_counter() - t0)
                await each_page()
            for _ in range(page_repeats):
                await each_page()
    finally:
        conn.close()
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def run(result: Result) -> None:
    from django.utils import timezone

    from reports.periods import LONDON, Period, PeriodKind

    rows = env_int("BENCH_S5_ROWS", 1_000_000)
    repeats = env_int("BENCH_S5_REPEATS", 3)
    page_repeats = env_int("BENCH_S5_PAGE_REPEATS", 20)
    written, generation = _generate(rows)
    print(f"  generated {written:,} bookings in {generation:.0f} s", flush=True)
    rebuild = _rebuild_rollups()
    print(f"  rebuilt the report rollups in {rebuild:.1f} s", flush=True)
    admin, = make_users(1, "s5a", role="programme_admin")
    cookie, = cookies_for([admin])
    last_year = timezone.localtime(timezone.now(), LONDON).year - 1  # the last whole year: about half the rows
    period = Period(PeriodKind.YEAR, last_year)
    query = f"kind=year&year={last_year}"
    month = f"kind=month&year={last_year}&month=6"
    paths = {"page": f"/reports/?{query}", "CSV": f"/reports/participation.csv?{query}",
             "month page": f"/reports/?{month}"}
    targets = {"page": 0.300, "CSV": 0.300, "month page": 0.100}  # issue 20
    result.scale = (f"{written:,} bookings over {WEEKS} weeks, {GROUPS} groups, {PEOPLE:,} people "
                    f"(generated in {generation:.0f} s); the report of {last_year} and of June {last_year}; "
                    f"requests to uvicorn ×1: {repeats} each after a run of the raw SQL, then {page_repeats} more")
    in_process = _in_process(admin, paths)
    statements = _raw_sql(period.start, period.end, timezone.now())
    with Server("uvicorn", workers=1) as server:
        rss_before = server.rss_mb
        times = asyncio.run(_measure(server.port, cookie, paths, statements, repeats, page_repeats))
        rss_after = server.rss_mb
    medians = {name: statistics.median(values) for name, values in times.items()}
    p95s = {name: _p95(values) for name, values in times.items()}
    raw = medians["raw"]
    result.row("rollups rebuilt from scratch (manage.py rollups_rebuild)", f"{rebuild:.1f} s")
    result.row("raw SQL: the same 12 aggregations of the raw rows through psycopg (median)", ms(raw))
    for name in paths:
        queries, _seconds, peak = in_process[name]
        result.row(f"{name}: time per request (median)", ms(medians[name]), ms(raw), ratio(medians[name], raw))
        result.row(f"{name}: time per request (p95)", ms(p95s[name]))
        result.row(f"{name}: queries per request", str(queries))
        result.row(f"{name}: peak Python memory of one request, in-process (tracemalloc)", f"{peak:.1f} MB")
    result.row("server memory (RSS) before → after the requests", f"{rss_before:.0f} → {rss_after:.0f} MB")
    result.note("The pages read the rollups (reports.rollups), the raw SQL the raw rows: the ratio is how much "
                "faster. Queries per request include the session, user, MFA and audit-log queries; the report "
                "itself takes 3 whatever the data size and the period (is everything caught up, every cell "
                "sum, the people of the period and of its months, counted in advance); a month's page one "
                "more for the six-month trend.")
    for name, target in targets.items():
        result.target(f"{name}: p95 ≤ {target * 1000:.0f} ms", p95s[name] <= target, f"({ms(p95s[name])})")
    _remove_generated()


def _remove_generated() -> None:
    """Take the million bookings away again, so S6 (which follows) measures
    its pages on its own data, as when it runs alone."""
    from django.db import connection

    from groups.models import GroupSession, PeerGroup
    from signups.models import Booking, Feedback

    group, session = PeerGroup._meta.db_table, GroupSession._meta.db_table
    booking, feedback = Booking._meta.db_table, Feedback._meta.db_table
    ours = f"SELECT s.id FROM {session} s JOIN {group} g ON g.id = s.group_id WHERE g.title LIKE 'S5 group %%'"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no rollup notes: rebuilt below
        cursor.execute(f"DELETE FROM {feedback} WHERE session_id IN ({ours})")  # noqa: S608
        cursor.execute(f"DELETE FROM {booking} WHERE session_id IN ({ours})")  # noqa: S608
        cursor.execute(f"DELETE FROM {session} WHERE id IN ({ours})")  # noqa: S608
        cursor.execute(f"DELETE FROM {group} WHERE title LIKE 'S5 group %%'")  # noqa: S608
        cursor.execute("SET session_replication_role = DEFAULT")
        # FULL: the emptied pages would otherwise stay, and every later scan
        # (S6's reports page) would still read through them.
        for table in (feedback, booking, session, group):
            cursor.execute(f"VACUUM FULL ANALYZE {table}")
    _rebuild_rollups()
