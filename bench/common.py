"""Shared pieces of the benchmark: settings for the bench database, timing and
percentiles, server subprocesses, a small keep-alive HTTP client, and results.

Every server under test listens on 127.0.0.1 only; every load loop is bounded
in count and time.
"""

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wb_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")

# The environment of the bench process and of every server it starts: a
# production-like configuration (DEBUG off) on loopback.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # The site's own origin: room sockets accept only pages from it (scheme,
    # host and port), whichever port a bench server listens on.
    "SITE_URL": f"http://{HOST}:8000",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "LOG_LEVEL": "WARNING",
    # Rooms of every size may use video, so S3 can relay offers in a big room.
    "ROOM_VIDEO_MAX": "1000",
    "PYTHONUNBUFFERED": "1",
}


# What docker-compose.yml adds for the web processes: the servers under test
# run as deployed unless a scenario overrides it.
DEPLOYED = {"DB_POOL_MAX": "20"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def setup_django() -> None:
    os.environ.update(SERVER_ENV)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- figures -------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def ratio(value: float, baseline: float) -> str:
    if not baseline or baseline != baseline:
        return "n/a"
    return f"{value / baseline:.2f}×"


@dataclass
class Result:
    """One scenario's figures, baseline and targets, for the console and the report."""

    key: str
    title: str
    scale: str = ""
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # measure, value, baseline, ratio
    targets: list[tuple[str, bool, str]] = field(default_factory=list)  # target, met, gap/explanation
    notes: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # Markdown lines: a section of its own after the scenario's
    seconds: float = 0.0

    def row(self, measure: str, value: str, baseline: str = "", rel: str = "") -> None:
        self.rows.append((measure, value, baseline, rel))
        print(f"  {measure}: {value}" + (f"  (baseline {baseline}, ratio {rel})" if baseline else ""), flush=True)

    def target(self, text: str, met: bool, detail: str = "") -> None:
        self.targets.append((text, met, detail))
        print(f"  target {'MET' if met else 'NOT MET'}: {text} {detail}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)


# --- processes -------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Server:
    """An ASGI server under test as a subprocess on a free loopback port.

    kind: "uvicorn" (with `workers`) or "daphne"; `extra_env` switches e.g.
    the channel layer."""

    def __init__(self, kind: str = "uvicorn", workers: int = 1, extra_env: dict | None = None,
                 app: str = "wellbeing.asgi:application"):
        self.kind, self.workers, self.app = kind, workers, app
        self.port = free_port()
        self.env = {**os.environ, **SERVER_ENV, **DEPLOYED, **(extra_env or {})}
        self.proc: subprocess.Popen | None = None
        self.label = f"{kind}" + (f" ×{workers}" if kind == "uvicorn" else "")

    def __enter__(self) -> "Server":
        if self.kind == "daphne":
            cmd = [PYTHON, "-m", "daphne", "-b", HOST, "-p", str(self.port), self.app]
        else:
            cmd = [PYTHON, "-m", "uvicorn", self.app, "--host", HOST, "--port", str(self.port),
                   "--workers", str(self.workers), "--no-access-log", "--log-level", "warning",
                   "--backlog", "4096"]
        self.log = open(ROOT / "var" / f"bench-{self.kind}-{self.port}.log", "w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.label} exited; see {self.log.name}") from None
                time.sleep(0.2)
        raise RuntimeError(f"{self.label} did not start in 60 s; see {self.log.name}")

    def __exit__(self, *exc) -> None:
        stop(self.proc, self.log)

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)


def stop(proc: subprocess.Popen, log, timeout: float = 15) -> None:
    """Stop a subprocess under test (killed if it will not stop) and close its log."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


# --- a tiny HTTP/1.1 client (httpx and aiohttp are not installed) ----------------
class HttpConn:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = cookies or {}
        self.reader = self.writer = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                      timeout: float = 30.0) -> tuple[int, dict, bytes]:
        for attempt in (1, 2):
            if self.writer is None:
                await self._connect()
            try:
                return await asyncio.wait_for(self._exchange(method, path, body, headers or {}), timeout)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, body, headers):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Connection: keep-alive"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in headers.items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        if "content-length" in response_headers:
            data = await self.reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding") == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = await self.reader.read()
            self.close()
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, response_headers, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def timed_gets(port: int, paths_cookies: list[tuple[str, dict]], concurrency: int,
                     duration: float, max_requests: int = 100_000) -> tuple[list[float], int]:
    """`concurrency` clients GET their path in a loop for `duration` seconds
    (bounded by `max_requests`); returns latencies and non-200 count."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + duration
    count = 0

    async def client(i: int):
        nonlocal errors, count
        path, cookies = paths_cookies[i % len(paths_cookies)]
        conn = HttpConn(port, cookies)
        try:
            while time.monotonic() < stop and count < max_requests:
                count += 1
                t0 = time.perf_counter()
                status, _, _ = await conn.request("GET", path)
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
        finally:
            conn.close()

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return latencies, errors


def timing_summary(latencies: list[float]) -> str:
    if not latencies:
        return "no samples"
    return f"p50 {ms(pct(latencies, 50))}, p95 {ms(pct(latencies, 95))}, p99 {ms(pct(latencies, 99))}"


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")
