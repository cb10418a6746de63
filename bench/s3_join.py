"""S3 join storm: 100 people open the room's WebSocket, are signed in by
their session cookie and let into one room (no lobby), their arrivals spread
evenly over 5 s; then WebRTC offers and answers are relayed between them
(each person offers to the next three in a ring; each offer is answered).
Then all 100 at once, in a fresh room.

Baseline: the same arrivals as plain WebSocket handshakes (and the Redis
SUBSCRIBE behind each) against a plain `websockets` server (`bench.ws`),
which relays the same offers and answers through Redis PUBLISH.

Runs on the production configuration: uvicorn with two workers and
RedisPubSubChannelLayer (docker-compose.yml, wellbeing/settings.py), so people
land on both processes.
"""

import asyncio
from dataclasses import dataclass, field

from bench.common import Result, Server, env_int, ms, pct, ratio
from bench.ws import (
    Dialect,
    RawDialect,
    RawServer,
    RoomDialect,
    Tally,
    close_all,
    cpu_seconds,
    join_all,
    live_session,
    offers_paced,
)

OFFER_RATE = 100  # offers a second across the room, each answered at once
GRACE = 5.0  # seconds to wait for late relays; later ones count as lost


@dataclass
class Storm:
    joins: list[float]
    all_in: float  # from the first attempt to the last person in
    failed: int
    relays: list[float] = field(default_factory=list)
    relays_expected: int = 0
    errors: dict = field(default_factory=dict)
    cpu_per_join: float = 0.0  # server CPU seconds

    @property
    def lost(self) -> int:
        return self.relays_expected - len(self.relays)


async def storm(dialect: Dialect, n: int, spread: float, per_person: int, server_pid: int) -> Storm:
    tally = Tally()
    cpu = cpu_seconds(server_pid)
    clients, joins, all_in = await join_all(dialect, n, tally, spread=spread)
    present = [c for c in clients if c is not None]
    figures = Storm(joins, all_in, n - len(present))
    await tally.settle()  # what the joins announced is part of their cost
    figures.cpu_per_join = (cpu_seconds(server_pid) - cpu) / max(1, len(present))
    try:
        if per_person and len(present) > per_person:
            tally.latencies.clear()
            offers = await offers_paced(present, dialect, per_person, OFFER_RATE)
            figures.relays_expected = 2 * offers
            await tally.wait_for(2 * offers, "offer", "answer", grace=GRACE)
            figures.relays = tally.latencies.get("offer", []) + tally.latencies.get("answer", [])
    finally:
        await close_all(clients)
    figures.errors = dict(tally.errors)
    await asyncio.sleep(1.0)  # the server handles the leaving before the next run
    return figures


def _configs() -> list[tuple[str, dict]]:
    """As configured; with BENCH_S3_POOL=N also with a database connection
    pool of N per process (the settings' DB_POOL_MAX): without one, Channels
    opens a PostgreSQL connection for each database call of a consumer."""
    configs = [("as configured", {})]
    pool = env_int("BENCH_S3_POOL", 0)
    if pool:
        configs.append((f"with DB_POOL_MAX={pool}", {"DB_POOL_MAX": str(pool)}))
    return configs


def _spread_rows(result: Result, label: str, room: Storm, raw: Storm) -> None:
    for p in (50, 99):
        result.row(f"{label}: join time p{p}", ms(pct(room.joins, p)), ms(pct(raw.joins, p)),
                   ratio(pct(room.joins, p), pct(raw.joins, p)))
    result.row(f"{label}: slowest join", ms(max(room.joins, default=float("nan"))),
               ms(max(raw.joins, default=float("nan"))),
               ratio(max(room.joins, default=0), max(raw.joins, default=0)))
    result.row(f"{label}: last person in after the first attempt", f"{room.all_in:.2f} s", f"{raw.all_in:.2f} s",
               ratio(room.all_in, raw.all_in))
    result.row(f"{label}: failed joins", str(room.failed), str(raw.failed))
    result.row(f"{label}: server CPU per join, its announcements included", ms(room.cpu_per_join),
               ms(raw.cpu_per_join), ratio(room.cpu_per_join, raw.cpu_per_join))
    for p in (50, 99):
        result.row(f"{label}: offer/answer relay p{p} ({room.relays_expected} relays)", ms(pct(room.relays, p)),
                   ms(pct(raw.relays, p)), ratio(pct(room.relays, p), pct(raw.relays, p)))
    result.row(f"{label}: relays lost", f"{room.lost} of {room.relays_expected}",
               f"{raw.lost} of {raw.relays_expected}")


def _burst_rows(result: Result, label: str, n: int, room: Storm, raw: Storm) -> None:
    result.row(f"{label}: last person in after", f"{room.all_in:.2f} s", f"{raw.all_in:.2f} s",
               ratio(room.all_in, raw.all_in))
    rate, raw_rate = (n - room.failed) / room.all_in, (n - raw.failed) / raw.all_in
    result.row(f"{label}: joins/s (baseline: handshakes/s)", f"{rate:.0f}", f"{raw_rate:.0f}", ratio(rate, raw_rate))
    result.row(f"{label}: join time p99", ms(pct(room.joins, 99)), ms(pct(raw.joins, 99)),
               ratio(pct(room.joins, 99), pct(raw.joins, 99)))
    result.row(f"{label}: failed joins", str(room.failed), str(raw.failed))


def _targets(result: Result, label: str, n: int, spread: float, room_spread: Storm, room_burst: Storm) -> None:
    for name, figures in (("spread", room_spread), ("at once", room_burst)):
        if figures.errors:
            result.note(f"[{label}] {name}: errors {figures.errors}")
    slowest = max(room_spread.joins, default=float("inf"))
    result.target(f"[{label}] all {n} in the room within 2 s of trying (arrivals over {spread:g} s)",
                  room_spread.failed == 0 and slowest <= 2.0,
                  f"(slowest {ms(slowest)}, {room_spread.failed} failed)")
    relay_p99 = pct(room_spread.relays, 99)
    result.target(f"[{label}] offer/answer relay p99 ≤ 20 ms, none lost",
                  relay_p99 <= 0.020 and room_spread.lost == 0, f"({ms(relay_p99)}, {room_spread.lost} lost)")


def run(result: Result) -> None:
    from bench.fixtures import cookies_for, make_group, make_users

    n = env_int("BENCH_S3_PEOPLE", 100)
    spread = env_int("BENCH_S3_SPREAD_MS", 5000) / 1000
    per_person = env_int("BENCH_S3_OFFERS", 3)
    workers = env_int("BENCH_S3_WORKERS", 2)
    result.scale = (f"{n} people over {spread:g} s (BENCH_S3_PEOPLE, BENCH_S3_SPREAD_MS), then {per_person} offers "
                    f"each (BENCH_S3_OFFERS) at {OFFER_RATE}/s, each answered; then {n} at once; "
                    f"uvicorn ×{workers} (BENCH_S3_WORKERS) with the production channel layer")
    users = make_users(n, "s3p")
    cookies = cookies_for(users)
    group = make_group(title="Join storm room", capacity=n, lobby=False)
    with RawServer() as raw_server:
        raw = RawDialect(raw_server.port)
        raw_spread = asyncio.run(storm(raw, n, spread, per_person, raw_server.proc.pid))
        raw_burst = asyncio.run(storm(raw, n, 0.0, 0, raw_server.proc.pid))
    print(f"  raw: slowest handshake {ms(max(raw_spread.joins))}, relay p99 {ms(pct(raw_spread.relays, 99))}, "
          f"{n} at once in {raw_burst.all_in:.2f} s", flush=True)
    for label, extra_env in _configs():
        print(f"  -- {label}", flush=True)
        with Server("uvicorn", workers=workers, extra_env=extra_env) as server:
            room_spread = asyncio.run(storm(RoomDialect(server.port, live_session(group, users).code, cookies), n,
                                            spread, per_person, server.proc.pid))
            room_burst = asyncio.run(storm(RoomDialect(server.port, live_session(group, users).code, cookies), n,
                                           0.0, 0, server.proc.pid))
            result.row(f"[{label}] server memory after both storms", f"{server.rss_mb:.0f} MB")
        _spread_rows(result, f"[{label}] {n} people over {spread:g} s", room_spread, raw_spread)
        _burst_rows(result, f"[{label}] all {n} at once", n, room_burst, raw_burst)
        _targets(result, label, n, spread, room_spread, room_burst)
    result.note("Join time runs from opening the TCP connection to receiving the room's state (signed in, "
                "place checked, presence recorded, admitted); the baseline's is the WebSocket handshake plus "
                "its Redis SUBSCRIBE. Relay latency is one hop, sender's send to the named peer's read.")
