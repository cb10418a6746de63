"""Writes docs/PERFORMANCE.md: when, on what, with which versions, and each
scenario's figures, baseline, ratio and targets."""

import os
import platform
import subprocess
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from bench.common import DATABASE_URL, REDIS_URL, ROOT, Result

INTRO = """# Performance

Written by `make bench` (`bench/`, see `bench/README.md`). Every scenario runs
against the real PostgreSQL and Redis on this machine, through ASGI servers
started as subprocesses on 127.0.0.1 with production settings (`DEBUG=false`),
and prints its figures next to a **baseline measured in the same run** on the
same machine. On a shared 2-core machine absolute numbers move with whatever
else is running; the ratios to the baseline are the figures to compare
between runs.
"""


def _machine() -> list[str]:
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    load = os.getloadavg()
    return [
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"{int(mem) / 1024 / 1024:.1f} GiB memory, {platform.system()} {platform.release()}; "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        f"- Python {platform.python_version()}, Django {version('django')}, Channels {version('channels')}, "
        f"channels-redis {version('channels-redis')}, uvicorn {version('uvicorn')}, daphne {version('daphne')}, "
        f"Celery {version('celery')}, psycopg {version('psycopg')}",
        f"- PostgreSQL {_pg_version()}, Redis {_redis_version()}",
    ]


def _pg_version() -> str:
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def _redis_version() -> str:
    import redis

    return redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]


def _scenario(result: Result) -> list[str]:
    lines = [f"## {result.title}", ""]
    if result.scale:
        lines += [f"Scale: {result.scale}. Took {result.seconds:.0f} s.", ""]
    if result.rows:
        lines += ["| measure | value | baseline (same run) | ratio |", "|---|---|---|---|"]
        lines += [f"| {m} | {v} | {b} | {r} |" for m, v, b, r in result.rows]
        lines.append("")
    if result.targets:
        lines += ["| target | result |", "|---|---|"]
        lines += [f"| {t} | {'**met**' if met else '**not met**'} {d} |" for t, met, d in result.targets]
        lines.append("")
    lines += [f"- {n}" for n in result.notes]
    if result.extra:
        lines += ["", *result.extra]
    return lines + [""]


def write_report(results: list[Result], *, total_seconds: float, partial: bool) -> Path:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    lines = [INTRO, "## Run", *_machine(), f"- Commit {commit}; whole run {total_seconds:.0f} s"
             + (" (only some scenarios were run)" if partial else ""), "",
             "## Summary", "", "| scenario | target | result |", "|---|---|---|"]
    for result in results:
        for text, met, detail in result.targets:
            lines.append(f"| {result.key} | {text} | {'met' if met else 'not met'} {detail} |")
    lines.append("")
    for result in results:
        lines += _scenario(result)
    path = ROOT / "docs" / "PERFORMANCE.md"
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():  # the hand-written findings kept under the generated figures
        lines += [notes.read_text()]
    path.write_text("\n".join(lines).rstrip() + "\n")
    return path
