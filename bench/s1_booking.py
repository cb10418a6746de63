"""S1 booking rush: 1,000 people ask for a place (joining the waiting list if
full) at a 20-place session at once, over HTTP, for several rounds.

Baseline: the same number of attempts as a raw-SQL conditional
`UPDATE ... SET booked = booked + 1 WHERE booked < capacity` plus an insert,
through as many concurrent connections as the web server's thread pool uses.
"""

import asyncio
import time
from datetime import timedelta

from bench.common import DATABASE_URL, HttpConn, Result, Server, env_int, ms, pct, ratio
from bench.fixtures import CSRF, cookies_for, make_group, make_session, make_users

CAPACITY = 20
RAW_CONNECTIONS = 16


async def _rush(port: int, code: str, cookies: list[dict]) -> tuple[float, list[float], int]:
    path = f"/sessions/{code}/waitlist/"
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
            if status != 302:
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


def run(result: Result) -> None:
    from django.utils import timezone


    attempts = env_int("BENCH_S1_ATTEMPTS", 1000)
    rounds = env_int("BENCH_S1_ROUNDS", 3)
    result.scale = f"{attempts} concurrent attempts × {rounds} rounds, {CAPACITY} places"
    cookies = cookies_for(make_users(attempts, "s1p"))
    group = make_group(title="Booking rush", capacity=CAPACITY)
    session = make_session(group, starts_at=timezone.now() + timedelta(days=7))
    raw_elapsed, raw_lat, raw_over = asyncio.run(_raw_round(attempts))
    raw_rate = attempts / raw_elapsed
    try:
        import psycopg_pool  # noqa: F401

        configs = [("as configured", {}, rounds), ("with a 20-connection pool per worker", {"BENCH_DB_POOL": "20"},
                                                   rounds)]
        configs[0] = (configs[0][0], {}, 1)  # without a pool it fails; two rounds show how
    except ImportError:
        configs = [("as configured", {}, rounds)]
        result.note("psycopg-pool is not installed, so the pooled run was skipped.")
    for label, extra_env, n_rounds in configs:
        _rounds(result, session, cookies, attempts, n_rounds, label, extra_env, raw_rate, raw_lat, raw_over)


def _rounds(result, session, cookies, attempts, rounds, label, extra_env, raw_rate, raw_lat, raw_over):
    from signups.models import Booking

    rates, all_latencies, oversells, inversions, failures, wrong = [], [], [], [], 0, 0
    print(f"  -- {label}", flush=True)
    with Server("uvicorn", workers=2, extra_env=extra_env) as server:
        for n in range(rounds):
            Booking.objects.filter(session=session).delete()
            elapsed, latencies, failed = asyncio.run(_rush(server.port, session.code, cookies))
            confirmed, waiting, inverted = _check_round(session)
            rates.append(attempts / elapsed)
            all_latencies += latencies
            oversells.append(max(0, confirmed - CAPACITY))
            inversions.append(inverted)
            failures += failed
            wrong += (confirmed + waiting != attempts - failed) + (confirmed != CAPACITY)
            print(f"  round {n + 1}: {attempts / elapsed:.0f} attempts/s, confirmed {confirmed}, "
                  f"waiting {waiting}, failed {failed}, inversions {inverted}", flush=True)
    rate = sorted(rates)[len(rates) // 2]
    result.row(f"[{label}] rounds", str(rounds))
    result.row(f"[{label}] attempts/s (median round, uvicorn ×2)", f"{rate:.0f}", f"{raw_rate:.0f}",
               ratio(rate, raw_rate))
    result.row(f"[{label}] latency p50", ms(pct(all_latencies, 50)), ms(pct(raw_lat, 50)),
               ratio(pct(all_latencies, 50), pct(raw_lat, 50)))
    result.row(f"[{label}] latency p99", ms(pct(all_latencies, 99)), ms(pct(raw_lat, 99)),
               ratio(pct(all_latencies, 99), pct(raw_lat, 99)))
    result.row(f"[{label}] oversells per round", " ".join(map(str, oversells)), str(raw_over))
    result.row(f"[{label}] failed requests (not a redirect)", str(failures))
    result.row(f"[{label}] rounds with places or waiting list not adding up", str(wrong))
    result.row(f"[{label}] waiting-list order inversions per round", " ".join(map(str, inversions)))
    result.target(f"[{label}] 0 oversells in every round", not any(oversells), f"(max {max(oversells)})")
    result.target(f"[{label}] ≥ 50% of the raw-SQL rate", rate >= 0.5 * raw_rate,
                  f"({rate / raw_rate:.0%} of {raw_rate:.0f}/s)")
    if label != "as configured":
        return
    result.note("An inversion is someone left waiting whose request was stamped before the last confirmed "
                "place: the timestamp is taken before the session lock, so it is the arrival order at the "
                "view, not the lock order.")
