"""S1 booking rush: 1,000 people ask for a place (joining the waiting list if
full) at a 20-place session at once, over HTTP, for several rounds.

Baselines: the same number of attempts as a raw-SQL conditional
`UPDATE ... SET booked = booked + 1 WHERE booked < capacity` plus an insert,
through 16 concurrent connections; and the same number of signed-in POSTs at
once to the hello-world view on the same server, which is the most the HTTP
server and Django's middleware allow before any booking work, measured
back to back with each round's booking rush (the target is the median
round's ratio).

The server runs as deployed: uvicorn ×2 with a connection pool of
DB_POOL_MAX=20 per process, as docker-compose.yml sets.
"""

import asyncio
import time
from datetime import timedelta

from bench.common import DATABASE_URL, HttpConn, Result, Server, env_int, ms, pct, ratio
from bench.fixtures import CSRF, cookies_for, make_group, make_session, make_users

CAPACITY = 20
RAW_CONNECTIONS = 16


async def _rush(port: int, path: str, cookies: list[dict], expect: int = 302) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0

    async def attempt(cookie):
        nonlocal failures
        conn = HttpConn(port, cookie)
        t0 = time.perf_counter()
        try:
            status, headers, _ = await conn.request(
                "POST", path, body=f"csrfmiddlewaretoken={CSRF}".encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF}, timeout=120)
            if status != expect:
                failures += 1
        except (TimeoutError, OSError):
            failures += 1
        finally:
            conn.close()
        latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(attempt(c) for c in cookies))
    return time.perf_counter() - start, latencies, failures


def _check_round(session) -> tuple[int, int, int]:
    """(confirmed, waitlisted, order inversions). An inversion is a person on
    the waiting list who asked before someone who got a place."""
    from signups.models import Booking

    rows = list(Booking.objects.filter(session=session).values("status", "confirmed_at", "queued_at"))
    confirmed = [r for r in rows if r["status"] == Booking.Status.CONFIRMED]
    waiting = [r for r in rows if r["status"] == Booking.Status.WAITLISTED]
    last_confirmed = max((r["confirmed_at"] for r in confirmed), default=None)
    inversions = sum(1 for r in waiting if last_confirmed and r["queued_at"] < last_confirmed)
    return len(confirmed), len(waiting), inversions


async def _raw_round(attempts: int) -> tuple[float, list[float], int]:
    import psycopg

    async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as setup:
        await setup.execute("DROP TABLE IF EXISTS bench_raw_booking; DROP TABLE IF EXISTS bench_raw_session")
        await setup.execute("CREATE TABLE bench_raw_session (id int PRIMARY KEY, capacity int, booked int)")
        await setup.execute("CREATE TABLE bench_raw_booking (id bigserial PRIMARY KEY, session_id int, "
                            "user_id int, status text, at timestamptz DEFAULT now(), UNIQUE (user_id, session_id))")
        await setup.execute("INSERT INTO bench_raw_session VALUES (1, %s, 0)", (CAPACITY,))
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(RAW_CONNECTIONS):
        pool.put_nowait(await psycopg.AsyncConnection.connect(DATABASE_URL))
    latencies: list[float] = []

    async def attempt(user_id: int):
        t0 = time.perf_counter()
        conn = await pool.get()
        try:
            async with conn.transaction():
                cur = await conn.execute(
                    "UPDATE bench_raw_session SET booked = booked + 1 WHERE id = 1 AND booked < capacity "
                    "RETURNING booked")
                status = "confirmed" if await cur.fetchone() else "waitlisted"
                await conn.execute("INSERT INTO bench_raw_booking (session_id, user_id, status) VALUES (1, %s, %s)",
                                   (user_id, status))
        finally:
            pool.put_nowait(conn)
        latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(attempt(i) for i in range(attempts)))
    elapsed = time.perf_counter() - start
    async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as check:
        cur = await check.execute("SELECT count(*) FROM bench_raw_booking WHERE status = 'confirmed'")
        confirmed = (await cur.fetchone())[0]
        await check.execute("DROP TABLE bench_raw_booking; DROP TABLE bench_raw_session")
    while not pool.empty():
        await (pool.get_nowait()).close()
    return elapsed, latencies, max(0, confirmed - CAPACITY)


def _service_round(session, users) -> float:
    """booking_create called directly from RAW_CONNECTIONS threads (no HTTP,
    no middleware): what the booking itself costs, lock included."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from signups.models import Booking
    from signups.services import booking_create

    Booking.objects.filter(session=session).delete()

    def attempt(user):
        try:
            booking_create(session=session, user=user, join_waitlist=True)
        finally:
            connection.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(RAW_CONNECTIONS) as pool:
        list(pool.map(attempt, users))
    return time.perf_counter() - start


def run(result: Result) -> None:
    from django.utils import timezone

    attempts = env_int("BENCH_S1_ATTEMPTS", 1000)
    rounds = env_int("BENCH_S1_ROUNDS", 10)
    result.scale = (f"{attempts} concurrent attempts × {rounds} rounds, {CAPACITY} places; uvicorn ×2 with "
                    "DB_POOL_MAX=20 (as docker-compose.yml)")
    users = make_users(attempts, "s1p")
    cookies = cookies_for(users)
    group = make_group(title="Booking rush", capacity=CAPACITY)
    session = make_session(group, starts_at=timezone.now() + timedelta(days=7))
    raw_elapsed, raw_lat, raw_over = asyncio.run(_raw_round(attempts))
    raw_rate = attempts / raw_elapsed
    service_rate = attempts / _service_round(session, users)
    result.row(f"booking service alone, in-process, {RAW_CONNECTIONS} threads: attempts/s", f"{service_rate:.0f}",
               f"{raw_rate:.0f}", ratio(service_rate, raw_rate))
    _rounds(result, session, cookies, attempts, rounds, raw_rate, raw_lat, raw_over)


def _rounds(result, session, cookies, attempts, rounds, raw_rate, raw_lat, raw_over):
    from signups.models import Booking

    rates, all_latencies, oversells, inversions, failures, wrong = [], [], [], [], 0, 0
    hello_rates, hello_lat, hello_failed = [], [], 0
    with Server("uvicorn", workers=2, app="bench.bare_asgi:app") as bare:
        bare_elapsed, _, bare_failed = asyncio.run(_rush(bare.port, "/", cookies, 200))
    bare_rate = attempts / bare_elapsed
    print(f"  bare ASGI POSTs: {bare_rate:.0f}/s, failed {bare_failed}", flush=True)
    with Server("uvicorn", workers=2) as server:
        # A browser's request records its session at most once a minute
        # (accounts.middleware.UserSessionsMiddleware), so a rush a minute
        # after the last one writes a row per person. Each round therefore
        # starts with an unmeasured hello-world rush (as people load the page
        # they then book from), then measures the hello-world POSTs and the
        # booking POSTs back to back: both in the same state, well within
        # the minute. The first rush of all is reported apart.
        first_elapsed = 0.0
        for n in range(rounds):
            warm, _, _ = asyncio.run(_rush(server.port, "/bench/hello/", cookies, 200))
            first_elapsed = first_elapsed or warm
            hello_elapsed, latencies, failed = asyncio.run(_rush(server.port, "/bench/hello/", cookies, 200))
            hello_rates.append(attempts / hello_elapsed)
            hello_lat += latencies
            hello_failed += failed
            Booking.objects.filter(session=session).delete()
            elapsed, latencies, failed = asyncio.run(_rush(server.port, f"/sessions/{session.code}/waitlist/",
                                                           cookies))
            confirmed, waiting, inverted = _check_round(session)
            rates.append(attempts / elapsed)
            all_latencies += latencies
            oversells.append(max(0, confirmed - CAPACITY))
            inversions.append(inverted)
            failures += failed
            wrong += (confirmed + waiting != attempts - failed) + (confirmed != CAPACITY)
            print(f"  round {n + 1}: hello-world {hello_rates[-1]:.0f}/s, booking {attempts / elapsed:.0f} "
                  f"attempts/s ({rates[-1] / hello_rates[-1]:.2f}×), confirmed {confirmed}, waiting {waiting}, "
                  f"failed {failed}, inversions {inverted}", flush=True)
    rate, hello_rate = sorted(rates)[len(rates) // 2], sorted(hello_rates)[len(hello_rates) // 2]
    round_ratios = sorted(r / h for r, h in zip(rates, hello_rates, strict=True))
    result.row("rounds", str(rounds))
    result.row("attempts/s (median round) against raw SQL", f"{rate:.0f}", f"{raw_rate:.0f}", ratio(rate, raw_rate))
    result.row("attempts/s (median round) against hello-world POSTs", f"{rate:.0f}", f"{hello_rate:.0f}",
               ratio(rate, hello_rate))
    result.row("hello-world POSTs/s against raw SQL (the stack's own ceiling)", f"{hello_rate:.0f}",
               f"{raw_rate:.0f}", ratio(hello_rate, raw_rate))
    result.row("signed-in no-op (hello-world) POSTs/s against a bare ASGI hello-world on uvicorn ×2 (the "
               "Django stack's own cost)", f"{hello_rate:.0f}", f"{bare_rate:.0f}", ratio(hello_rate, bare_rate))
    result.row("booking / hello-world rate, each round (measured back to back)",
               " ".join(f"{r:.2f}×" for r in round_ratios))
    median_ratio = round_ratios[len(round_ratios) // 2]
    result.target("≥ 0.8× the signed-in no-op POST", median_ratio >= 0.8, f"(median round {median_ratio:.2f}×)")
    result.row("hello-world POSTs/s, each browser's first request", f"{attempts / first_elapsed:.0f}")
    result.row("hello-world POSTs not answered 200", str(hello_failed))
    for p in (50, 99):
        result.row(f"latency p{p} (hello-world POST as baseline)", ms(pct(all_latencies, p)), ms(pct(hello_lat, p)),
                   ratio(pct(all_latencies, p), pct(hello_lat, p)))
        result.row(f"raw-SQL latency p{p}", ms(pct(raw_lat, p)))
    result.row("oversells per round", " ".join(map(str, oversells)), str(raw_over))
    result.row("failed requests (not a redirect)", str(failures))
    result.row("rounds with places or waiting list not adding up", str(wrong))
    result.row("waiting-list order inversions per round", " ".join(map(str, inversions)))
    result.target("0 oversells in every round", not any(oversells), f"(max {max(oversells)})")
    result.target("≥ 50% of the raw-SQL rate", rate >= 0.5 * raw_rate, f"({rate / raw_rate:.0%} of {raw_rate:.0f}/s; "
                  f"hello-world POSTs alone reach {hello_rate / raw_rate:.0%})")
    result.note("An inversion is someone left waiting whose place in the queue was stamped before the last "
                "confirmed place: both are stamped just after the session's lock is taken, so they follow the "
                "lock queue.")
