"""Servers the fault tests start, break and restart themselves: never the
shared Redis or PostgreSQL. Each binds a free port and is stopped by its PID."""

import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from notifications.tests.workers import ROOT, free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    """`redis-server` on a free port of 127.0.0.1, without persistence. `stop`
    and `start` again keep the port, as a restarted Redis would."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SilentServer:
    """Accepts TCP connections and never answers, as a hung PostgreSQL or a
    black-holed network path does: a client waits for its own timeout."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self) -> "SilentServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def celery_worker(*, env: dict[str, str], queue: str, log: Path, include: str = "") -> subprocess.Popen:
    """`celery -A wellbeing worker` as production runs it (prefork), in its own
    process group; stop it with `stop_group`."""
    command = [sys.executable, "-m", "celery", "-A", "wellbeing", "worker", "--concurrency", "2", "-Q", queue,
               "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    if include:
        command += ["--include", include]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop_group(process: subprocess.Popen) -> None:
    import os
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


class WebServer:
    """The ASGI app under uvicorn, as production serves it (`DEBUG` off, the
    collected static files), with `env` on top of a clean environment."""

    def __init__(self, *, env: dict[str, str], log: Path, static_root: Path):
        import os

        self.port = free_port()
        self.log = log
        self.env = {key: value for key, value in os.environ.items()
                    if key not in {"REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_HOST"}}
        self.env.update(DEBUG="false", SECRET_KEY="fault-test-secret-key-" + "x" * 40, ALLOWED_HOSTS="127.0.0.1",
                        SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false", STATIC_ROOT=str(static_root),
                        VAR_DIR=str(log.parent / "var"))
        self.env.update(env)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "WebServer":
        if not (Path(self.env["STATIC_ROOT"]) / "staticfiles.json").exists():
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                           env=self.env, check=True, timeout=120)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "wellbeing.asgi:application", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning", "--lifespan", "off"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"uvicorn exited: {self.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("uvicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def get(self, path: str, *, cookies: dict[str, str] | None = None, timeout: float = 60):
        """(status, body, seconds taken)."""
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.url + path)  # noqa: S310 (our loopback server)
        if cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (our loopback server)
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        return status, body, time.monotonic() - started
