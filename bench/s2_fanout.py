"""S2 room fan-out: 50, then 100 people in one live room, 20 chat messages a
second for 30 s each, spread over 25 senders; each message's delivery latency
to every person in the room (the sender included, as in a browser), drops,
and the server's CPU time per delivery (which a busy machine hardly moves).

Baseline: a plain `websockets` server (`bench.ws`) with the same number of
clients and the same message rate, each client's frames PUBLISHed to Redis
and fanned out to every client through its own SUBSCRIBE.

Then the same load at 100 people on the other server and channel-layer
choices (daphne; uvicorn with two workers, so people land on different
processes) for a shorter time, to choose the production configuration.
"""

import asyncio
import os
import time

from bench.common import Result, Server, env_int, ms, pct, ratio
from bench.fixtures import cookies_for, make_group, make_users
from bench.ws import (
    Client,
    Dialect,
    RawDialect,
    RawServer,
    RoomDialect,
    Tally,
    chat_paced,
    close_all,
    cpu_seconds,
    join_all,
    live_session,
)

RATE = 20  # chat messages a second into the room
SENDERS = 25  # 0.8 messages a second each: under the chat limit of 1 a second (rooms.protocol.BUCKETS)
JOIN_AT_ONCE = 10
GRACE = 3.0  # seconds to wait for late deliveries; later ones count as drops
# The production configuration (docker-compose.yml: uvicorn with two workers,
# wellbeing/settings.py: RedisPubSubChannelLayer) at full length, then the
# alternatives it was chosen over.
MAIN = "uvicorn ×2, RedisPubSubChannelLayer (production)"
CONFIGS = [  # label, server, workers, extra environment
    (MAIN, "uvicorn", 2, {"CHANNEL_LAYER": "pubsub"}),
    ("uvicorn ×2, RedisChannelLayer", "uvicorn", 2, {"CHANNEL_LAYER": "core"}),
    ("uvicorn ×1, RedisPubSubChannelLayer", "uvicorn", 1, {"CHANNEL_LAYER": "pubsub"}),
    ("daphne, RedisPubSubChannelLayer", "daphne", 1, {"CHANNEL_LAYER": "pubsub"}),
]


class Run:
    """One fan-out run's figures."""

    def __init__(self, tally: Tally, sent: int, members: int, cpu: float, join_seconds: float):
        self.latencies = tally.latencies.get("chat", [])
        self.expected = sent * members
        self.drops = self.expected - len(self.latencies)
        self.p50, self.p99 = pct(self.latencies, 50), pct(self.latencies, 99)
        self.cpu_per_1000 = 1000 * cpu / max(1, len(self.latencies))  # server CPU seconds per 1,000 deliveries
        self.join_seconds, self.errors = join_seconds, dict(tally.errors)


async def _join(dialect: Dialect, clients: list[Client], n: int, tally: Tally) -> float:
    """Fill the room up to n people; seconds taken. Joining is set-up here
    (S3 measures it), so a failed join is retried once, alone."""
    t0 = time.perf_counter()
    first = len(clients)
    joined, _, _ = await join_all(dialect, n - first, tally, limit=JOIN_AT_ONCE, first=first)
    for i, client in enumerate(joined):
        clients.append(client or await dialect.join(first + i, tally))
    await tally.settle()  # what the joins announced drains before the chat starts
    return time.perf_counter() - t0


async def fanout(dialect: Dialect, sizes: tuple[int, ...], seconds: float, server_pid: int) -> dict[int, Run]:
    """For each size in turn: fill the room, then RATE chat messages a second for `seconds`."""
    tally, clients, runs = Tally(), [], {}
    try:
        for n in sizes:
            join_seconds = await _join(dialect, clients, n, tally)
            tally.reset()
            cpu = cpu_seconds(server_pid)
            sent = await chat_paced(clients[:SENDERS], dialect, RATE, seconds)
            await tally.wait_for(sent * n, "chat", grace=GRACE)
            runs[n] = Run(tally, sent, n, cpu_seconds(server_pid) - cpu, join_seconds)
    finally:
        await close_all(clients)
    await asyncio.sleep(1.0)  # the server handles the leaving before the next run
    return runs


def _report(result: Result, label: str, n: int, run: Run, base: Run, seconds: int, main: bool) -> None:
    prefix = f"[{label}] {n} people, {seconds} s"
    result.row(f"{prefix}: delivery p50", ms(run.p50), ms(base.p50), ratio(run.p50, base.p50))
    result.row(f"{prefix}: delivery p99", ms(run.p99), ms(base.p99), ratio(run.p99, base.p99))
    result.row(f"{prefix}: drops (of deliveries expected)", f"{run.drops} of {run.expected}",
               f"{base.drops} of {base.expected}")
    result.row(f"{prefix}: server CPU per 1,000 deliveries", f"{run.cpu_per_1000:.2f} s",
               f"{base.cpu_per_1000:.2f} s", ratio(run.cpu_per_1000, base.cpu_per_1000))
    if run.errors:
        result.note(f"{prefix}: errors {run.errors}")
    if not main:
        return
    result.row(f"{prefix}: filling the room up to {n} people took", f"{run.join_seconds:.1f} s",
               f"{base.join_seconds:.1f} s", ratio(run.join_seconds, base.join_seconds))
    result.target(f"[{label}] {n} people: p99 ≤ 25 ms", run.p99 <= 0.025, f"({ms(run.p99)})")
    result.target(f"[{label}] {n} people: 0 drops", run.drops == 0, f"({run.drops})")
    result.target(f"[{label}] {n} people: p99 within 2× of the baseline", run.p99 <= 2 * base.p99,
                  f"({ratio(run.p99, base.p99)})")


def run(result: Result) -> None:
    seconds = env_int("BENCH_S2_SECONDS", 30)
    # "production": the production configuration only; "all": also the ones it was chosen over.
    configs = CONFIGS if os.environ.get("BENCH_S2_CONFIGS", "all") == "all" else CONFIGS[:1]
    compare = env_int("BENCH_S2_COMPARE_SECONDS", 10)
    sizes = (50, env_int("BENCH_S2_PEOPLE", 100))
    others = (f"; {compare} s at {sizes[1]} people on the other configurations" if len(configs) > 1 else
              "; the other server configurations only with BENCH_S2_CONFIGS=all (BENCH_SCALE=full)")
    result.scale = (f"{RATE} chat messages/s from {SENDERS} senders to {sizes[0]}, then {sizes[1]} people in one "
                    f"room; {seconds} s per size on {MAIN} (BENCH_S2_SECONDS); {compare} s per size on the raw "
                    f"baseline (BENCH_S2_COMPARE_SECONDS){others}")
    users = make_users(max(sizes), "s2p")
    cookies = cookies_for(users)
    group = make_group(title="Fan-out room", capacity=max(sizes), lobby=False)
    summary = []
    with RawServer() as raw:
        base = asyncio.run(fanout(RawDialect(raw.port), sizes, compare, raw.proc.pid))
    for n, b in base.items():
        print(f"  raw baseline, {n} people: p50 {ms(b.p50)}, p99 {ms(b.p99)}, drops {b.drops}", flush=True)
    for label, kind, workers, extra_env in configs:
        main = label == MAIN
        duration, run_sizes = (seconds, sizes) if main else (compare, sizes[-1:])
        print(f"  -- {label}", flush=True)
        with Server(kind, workers=workers, extra_env=extra_env) as server:
            session = live_session(group, users)
            dialect = RoomDialect(server.port, session.code, cookies)
            runs = asyncio.run(fanout(dialect, run_sizes, duration, server.proc.pid))
            rss = server.rss_mb
        for n, figures in runs.items():
            print(f"  {n} people: p50 {ms(figures.p50)}, p99 {ms(figures.p99)}, drops {figures.drops}, "
                  f"server {rss:.0f} MB", flush=True)
            _report(result, label, n, figures, base[n], duration, main)
            summary.append((n, figures, label))
    _conclude(result, summary, sizes[-1])


def _conclude(result: Result, summary: list, n: int) -> None:
    at_largest = sorted(((f.drops, f.cpu_per_1000, label) for size, f, label in summary if size == n))
    drops, cpu, best = at_largest[0]
    result.note(f"At {n} people the fewest drops, then the least server CPU per delivery, were on {best} "
                f"({drops} drops, {cpu:.2f} s per 1,000). Latency includes queueing whenever the server "
                "process cannot get the CPU it needs on a shared machine; CPU per delivery does not.")
    result.note("Latency runs from just before the sender's WebSocket send to the receiver's read; all clients "
                "are in the bench process, so its own event loop is in both the figure and the baseline. "
                "Drops are deliveries expected (messages × people) minus received within "
                f"{GRACE:g} s of the last send.")
