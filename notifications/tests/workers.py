"""Real processes for the fault tests: a Celery worker started as `make run`
and production start it, and an SMTP server on loopback that records what it
accepts and can hold a message mid-transaction."""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Records the Message-ID of every message it accepts (answers 250 to).

    With `hold_after=N`, the message after the first N is held after its
    DATA arrives and before it is accepted, until `release` is set: a worker
    killed meanwhile never had that message accepted. If the client goes
    away, aiosmtpd cancels the handler, so a held message is never recorded.
    """

    def __init__(self, hold_after: int | None = None, port: int | None = None):
        self.accepted: list[str] = []
        self.hold_after = hold_after
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        if self.hold_after is not None and len(self.accepted) >= self.hold_after and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        with self._lock:
            self.accepted.append(email.message_from_bytes(envelope.content)["Message-ID"])
        return "250 Message accepted for delivery"

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.controller.stop()


def database_url() -> str:
    """The test database the test process is using, as a URL for the worker."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}{port}/{db['NAME']}"


class Worker:
    """`celery -A wellbeing worker` in its own process group, so SIGKILL takes
    the whole of it at once, as a crashed machine would."""

    def __init__(self, *, env: dict[str, str], queue: str, log: Path):
        self.env, self.queue, self.log = env, queue, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        command = [
            sys.executable, "-m", "celery", "-A", "wellbeing", "worker", "--pool", "threads", "--concurrency", "2",
            "-Q", self.queue, "-n", f"{self.queue}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "EMAIL_HOST", "CELERY_BROKER_URL"}}
    env.update(DEBUG="true", DATABASE_URL=database_url(), VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1",
               LOG_LEVEL="INFO", **extra)
    return env


def filesystem_broker(tmp_path: Path) -> tuple[Celery, Path]:
    """A client of embedded mode's file-system broker for a worker started with
    `worker_env(tmp_path)`: the folders settings.py gives that worker under
    VAR_DIR, the exchange tables included (kombu's default for those is
    ./control in the working directory, which would land in the repository).
    Returns the client and the queue folder."""
    broker_dir = tmp_path / "var" / "broker"
    queue_dir = broker_dir / "queue"
    queue_dir.mkdir(parents=True)
    broker = Celery("probe", broker="filesystem://")
    broker.conf.broker_transport_options = {
        "data_folder_in": str(queue_dir), "data_folder_out": str(queue_dir),
        "processed_folder": str(broker_dir / "processed"), "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }
    return broker, queue_dir


def wait_for(condition, *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n--- worker log ---\n{tail}")
