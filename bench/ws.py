"""WebSocket pieces shared by S2 and S3: people in a live room as clients,
the raw baseline (a plain `websockets` server whose clients receive what a
Redis PUBLISH fans out through SUBSCRIBE), and messages that carry their own
send time.

Every message the bench sends carries `bench-only <kind> <seq> <perf_counter>`
(in chat text or in a fake SDP): senders and receivers live in this one
process, so the receiver's perf_counter minus the embedded one is the
delivery latency. Chat is never stored, and the text says what it is.

`python -m bench.ws PORT REDIS_URL PREFIX` runs the raw baseline server.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.common import HOST, PYTHON, REDIS_URL, ROOT, SERVER_ENV, free_port, stop

MARK = "bench-only"
OPEN_TIMEOUT = 60.0  # a join storm queues handshakes behind one room lock


def stamp(kind: str, seq: int) -> str:
    return f"{MARK} {kind} {seq} {time.perf_counter():.6f} "


def read_stamp(raw: str) -> tuple[str, int, float] | None:
    """(kind, seq, sent at) from a frame carrying a stamp, else None. A
    substring search, not JSON decoding: 2,000 frames a second arrive here."""
    at = raw.find(MARK)
    if at < 0:
        return None
    parts = raw[at:at + 80].replace("\\", " ").replace('"', " ").split()
    return parts[1], int(parts[2]), float(parts[3])


def fake_sdp(kind: str, seq: int) -> str:
    """About 2.5 KB, the size of a real offer with audio and video."""
    padding = "".join(f"a=x-bench-pad:{k} {'0' * 40}\r\n" for k in range(48))
    return f"v=0\r\no={stamp(kind, seq)}IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{padding}"


@dataclass
class Tally:
    """What the clients of one run received: latencies by kind of message."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    last_frame: float = 0.0  # monotonic time of the last frame of any kind

    async def settle(self, quiet: float = 0.5, limit: float = 15.0) -> None:
        """Until no frame arrived for `quiet` seconds (what joining announced has drained), or `limit`."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and time.monotonic() - self.last_frame < quiet:
            await asyncio.sleep(0.05)

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def count(self, *kinds: str) -> int:
        return sum(len(self.latencies.get(k, ())) for k in kinds)

    def reset(self) -> None:
        self.latencies.clear()
        self.errors.clear()

    async def wait_for(self, expected: int, *kinds: str, grace: float) -> None:
        """Until `expected` messages of these kinds arrived, or `grace` seconds."""
        deadline = time.monotonic() + grace
        while self.count(*kinds) < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)


class Client:
    """One open WebSocket with a reader that times every stamped frame and
    answers WebRTC offers at once, as a browser would."""

    def __init__(self, ws: ClientConnection, me: str, dialect: "Dialect", tally: Tally):
        self.ws, self.me, self.dialect, self.tally = ws, me, dialect, tally
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                received = time.perf_counter()
                self.tally.last_frame = time.monotonic()
                found = read_stamp(raw)
                if found is None:
                    if raw.startswith('{"type": "error"'):
                        self.tally.errors[json.loads(raw)["code"]] += 1
                    continue
                kind, seq, sent = found
                self.tally.record(kind, received - sent)
                if kind == "offer":
                    sender = self.dialect.sender(json.loads(raw))
                    await self.ws.send(self.dialect.signal(sender, self.me, "answer", fake_sdp("answer", seq)))
        except Exception as error:  # noqa: BLE001 - a dropped socket shows as missing deliveries
            self.tally.errors[type(error).__name__] += 1

    async def send(self, frame: str) -> None:
        try:
            await self.ws.send(frame)
        except ConnectionClosed:  # the server dropped this person: what they sent counts as lost
            self.tally.errors["send on a closed socket"] += 1

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.wait([self.reader], timeout=5)
        self.reader.cancel()


def _connect(url: str, port: int, headers: dict | None = None):
    return connect(url, origin=SERVER_ENV["SITE_URL"], additional_headers=headers, proxy=None,
                   open_timeout=OPEN_TIMEOUT, ping_interval=None, close_timeout=5)


class Dialect:
    """How to join and what to send, for the live room or the raw baseline."""

    port: int

    async def join(self, i: int, tally: Tally) -> Client:
        raise NotImplementedError

    def chat(self, text: str) -> str:
        raise NotImplementedError

    def signal(self, to: str, me: str, kind: str, sdp: str) -> str:
        raise NotImplementedError

    def sender(self, message: dict) -> str:
        raise NotImplementedError


class RoomDialect(Dialect):
    """The live room: person i signs in with cookies[i]; `me` is the tab's WebRTC peer id."""

    def __init__(self, port: int, code: str, cookies: list[dict[str, str]]):
        self.port, self.code, self.cookies = port, code, cookies

    async def join(self, i: int, tally: Tally) -> Client:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies[i].items())
        ws = await _connect(f"ws://{HOST}:{self.port}/ws/rooms/{self.code}/", self.port, {"Cookie": cookie})
        for _ in range(20):  # the snapshot comes first; refusals close with a code
            message = json.loads(await asyncio.wait_for(ws.recv(), OPEN_TIMEOUT))
            if message["type"] == "state":
                if message["me"]["state"] != "admitted":
                    raise RuntimeError(f"person {i} waits in the lobby")
                return Client(ws, message["me"]["peer"], self, tally)
        raise RuntimeError("no room state after 20 messages")

    def chat(self, text: str) -> str:
        return json.dumps({"type": "chat", "text": text})

    def signal(self, to: str, me: str, kind: str, sdp: str) -> str:
        return json.dumps({"type": "signal", "to": to, "kind": kind, "data": {"type": kind, "sdp": sdp}})

    def sender(self, message: dict) -> str:
        return message["from_peer"]


class RawDialect(Dialect):
    """The raw baseline server: client i is `/raw/<i>`; frames go to everyone, or to `to`."""

    def __init__(self, port: int):
        self.port = port

    async def join(self, i: int, tally: Tally) -> Client:
        ws = await _connect(f"ws://{HOST}:{self.port}/raw/{i}", self.port)
        if await asyncio.wait_for(ws.recv(), OPEN_TIMEOUT) != "ready":  # subscribed
            raise RuntimeError("the raw server did not say ready")
        return Client(ws, str(i), self, tally)

    def chat(self, text: str) -> str:
        return json.dumps({"text": text})

    def signal(self, to: str, me: str, kind: str, sdp: str) -> str:
        return json.dumps({"to": to, "from": me, "kind": kind, "sdp": sdp})

    def sender(self, message: dict) -> str:
        return message["from"]


# --- driving many clients ---------------------------------------------------------
async def join_all(dialect: Dialect, n: int, tally: Tally, *, spread: float = 0.0, limit: int | None = None,
                   first: int = 0) -> tuple[list[Client | None], list[float], float]:
    """People first … first + n - 1 join, their starts spread evenly over
    `spread` seconds (or at most `limit` at once). Returns the clients (None
    where joining failed, counted in tally.errors), join latencies (start to
    in the room) and the seconds from the first start to the last one in."""
    gate = asyncio.Semaphore(limit or n)

    async def one(i: int) -> tuple[Client, float]:
        await asyncio.sleep(spread * i / n)
        async with gate:
            t0 = time.perf_counter()
            client = await dialect.join(first + i, tally)
            return client, time.perf_counter() - t0

    start = time.perf_counter()
    outcomes = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    elapsed = time.perf_counter() - start
    clients, latencies = [], []
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            tally.errors[f"join: {type(outcome).__name__}: {outcome}"[:100]] += 1
            clients.append(None)
        else:
            clients.append(outcome[0])
            latencies.append(outcome[1])
    return clients, latencies, elapsed


async def chat_paced(clients: list[Client], dialect: Dialect, rate: float, seconds: float) -> int:
    """`rate` chat messages a second for `seconds`, round-robin over `clients`. Returns how many were sent."""
    start = time.perf_counter()
    total = int(rate * seconds)
    for seq in range(total):
        delay = start + seq / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await clients[seq % len(clients)].send(dialect.chat(stamp("chat", seq).strip()))
    return total


async def offers_paced(clients: list[Client], dialect: Dialect, per_person: int, rate: float) -> int:
    """Each person sends an offer to the next `per_person` people (a ring),
    `rate` offers a second in all; each offer is answered by its receiver."""
    pairs = [(i, (i + k) % len(clients)) for k in range(1, per_person + 1) for i in range(len(clients))]
    start = time.perf_counter()
    for seq, (i, j) in enumerate(pairs):
        delay = start + seq / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await clients[i].send(dialect.signal(clients[j].me, clients[i].me, "offer", fake_sdp("offer", seq)))
    return len(pairs)


async def close_all(clients: list[Client | None]) -> None:
    await asyncio.gather(*(c.close() for c in clients if c is not None), return_exceptions=True)


def live_session(group, users: list):
    """A session of `group` that started five minutes ago, with a confirmed place for each of `users`."""
    from datetime import timedelta

    from django.utils import timezone

    from bench.fixtures import make_session
    from signups.models import Booking

    now = timezone.now()
    session = make_session(group, starts_at=now - timedelta(minutes=5), minutes=240)
    Booking.objects.bulk_create([Booking(session=session, user=user, status=Booking.Status.CONFIRMED,
                                         confirmed_at=now) for user in users])
    return session


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a server process and its workers, from /proc:
    unlike latency, it hardly moves with the load other processes put on the machine."""
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    ticks = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


# --- the raw baseline server ----------------------------------------------------
class RawServer:
    """`python -m bench.ws` as a subprocess on a free loopback port: one
    process, one Redis SUBSCRIBE connection per client."""

    def __init__(self):
        self.port = free_port()
        self.prefix = f"bench-raw-{self.port}-{time.time_ns()}"  # pub/sub channels span Redis databases

    def __enter__(self) -> "RawServer":
        self.log = open(ROOT / "var" / f"bench-raw-{self.port}.log", "w")
        self.proc = subprocess.Popen([PYTHON, "-m", "bench.ws", str(self.port), REDIS_URL, self.prefix], cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the raw server exited; see {self.log.name}")
            import socket

            with socket.socket() as s:
                if s.connect_ex((HOST, self.port)) == 0:
                    return self
            time.sleep(0.1)
        raise RuntimeError("the raw server did not start in 30 s")

    def __exit__(self, *exc) -> None:
        stop(self.proc, self.log, timeout=10)


async def _serve(port: int, redis_url: str, prefix: str) -> None:
    import redis.asyncio as redis
    from websockets.asyncio.server import serve

    publisher = redis.Redis.from_url(redis_url, max_connections=2000)  # one SUBSCRIBE connection per client

    async def handler(ws) -> None:
        me = ws.request.path.rsplit("/", 1)[1]
        pubsub = publisher.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(f"{prefix}:all", f"{prefix}:peer:{me}")

        async def forward() -> None:
            async for message in pubsub.listen():
                await ws.send(message["data"].decode())

        forwarder = asyncio.ensure_future(forward())
        try:
            await ws.send("ready")
            async for raw in ws:
                to = json.loads(raw).get("to")
                await publisher.publish(f"{prefix}:peer:{to}" if to else f"{prefix}:all", raw)
        finally:
            forwarder.cancel()
            await pubsub.aclose()

    async with serve(handler, HOST, port, ping_interval=None, max_size=2**20):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
