"""Fixtures that start real Janus and coturn servers for the tests that
need them (on this project's test ports, one set per pytest-xdist worker),
and skip with the reason when the Debian packages are not installed
(`.ci/run` installs them, so CI always runs these tests)."""

import os
import secrets
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.mediaserver import (
    JanusNat,
    JanusPorts,
    coturn_config_write,
    coturn_start,
    janus_config_write,
    janus_start,
    port_open,
    primary_ip,
    process_stop,
    wait_for_port,
)

WS_BASE = 18300  # Janus WebSocket API: 18300 + worker
TURN_BASE = 18340  # coturn: 18340 + worker (UDP/TCP), 18360 + worker (TLS)
RTP_BASE, RTP_PER_WORKER = 20000, 24  # Janus: 20000 + 24 * worker
# coturn relays: 21000 + 200 * worker. The server lives for the whole test
# session and a closed browser's allocation can stay until its lifetime ends,
# so the relay tests (ICE restarts, refreshed credentials) need room. (When a
# fresh credential got no relay in CI, the cause was a second coturn on the
# same port, see _port_unused, not these ports running out.)
RELAY_BASE, RELAY_PER_WORKER = 21000, 200
SPARES, SPARE_WS_BASE, SPARE_RTP_BASE = 2, 18400, 20300  # spare Janus servers: SPARES per worker


def _worker() -> int:
    """The port slot: the xdist worker number, plus MEDIA_TEST_SLOT (0–3) so
    two checkouts on one machine can run these tests side by side."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    worker = int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0
    return worker + int(os.environ.get("MEDIA_TEST_SLOT", "0"))


def _port_unused(port: int, what: str) -> None:
    """Refuse to start a server on a port another one already serves: it
    would not be the one answering there. (coturn listens with SO_REUSEPORT,
    so a second coturn on the same port starts without complaint and the
    kernel shares the clients between the two, each with its own secret;
    that happened when two test modules each registered the session-long
    `turn_server`, and a browser's relays were refused at random. Register
    these fixtures once per test directory, in its conftest.py.)"""
    if port_open("127.0.0.1", port):
        raise RuntimeError(f"{what}: port {port} is already in use (another test run on MEDIA_TEST_SLOT "
                           f"{os.environ.get('MEDIA_TEST_SLOT', '0')}, or a session fixture registered twice)")


@dataclass
class Janus:
    url: str
    api_secret: str
    admin_key: str
    folder: Path
    process: object = None

    def start(self):
        self.process = janus_start(self.folder / "janus.jcfg", log=self.folder / "janus.log")
        port = int(self.url.rsplit(":", 1)[1])
        if not wait_for_port("127.0.0.1", port, 20):
            raise RuntimeError("Janus did not start: " + (self.folder / "janus.log").read_text()[-2000:])

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a paused one could not hear the stop
        process_stop(self.process)

    def kill(self):
        """Gone at once, as a crash: every session and room it held is lost."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def pause(self):
        """Hung: its socket stays open but nothing answers."""
        os.kill(self.process.pid, signal.SIGSTOP)


@dataclass
class Turn:
    urls: list
    secret: str
    process: object = None


def janus_make(port: int, rtp: int, *, api_secret: str = "", admin_key: str = "", nat: JanusNat | None = None) -> Janus:
    """A Janus server started on `port` (WebSocket API) and `rtp` on (24
    media ports), with its configuration in a folder of its own; skips the
    test without the package."""
    if shutil.which("janus") is None:
        pytest.skip("the Janus media server is not installed (apt-get install janus; .ci/run does)")
    _port_unused(port, "Janus")
    folder = Path(tempfile.mkdtemp(prefix="janus-"))
    janus = Janus(url=f"ws://127.0.0.1:{port}", api_secret=api_secret or secrets.token_hex(16),
                  admin_key=admin_key or secrets.token_hex(16), folder=folder)
    janus_config_write(folder, api_secret=janus.api_secret, admin_key=janus.admin_key,
                       ports=JanusPorts(ws=port, rtp_min=rtp, rtp_max=rtp + RTP_PER_WORKER - 1), nat=nat)
    janus.start()
    return janus


def janus_remove(janus: Janus) -> None:
    janus.stop()
    if not os.environ.get("KEEP_MEDIA_LOGS"):
        shutil.rmtree(janus.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def janus_server():
    worker = _worker()
    janus = janus_make(WS_BASE + worker, RTP_BASE + worker * RTP_PER_WORKER)
    yield janus
    janus_remove(janus)


@pytest.fixture
def spare_janus():
    """More Janus servers of this test's own (up to SPARES), for tests that
    kill, stop or restart them: `spare_janus(n)` starts the n-th (0-based).
    They share the session server's API secret, as servers of one deployment do."""
    worker, started = _worker(), []

    def start(index: int, api_secret: str = "", admin_key: str = "") -> Janus:
        assert 0 <= index < SPARES
        janus = janus_make(SPARE_WS_BASE + worker * SPARES + index,
                            SPARE_RTP_BASE + (worker * SPARES + index) * RTP_PER_WORKER,
                            api_secret=api_secret, admin_key=admin_key)
        started.append(janus)
        return janus

    yield start
    for janus in started:
        janus_remove(janus)


@pytest.fixture(scope="session")
def turn_server():
    if shutil.which("turnserver") is None:
        pytest.skip("coturn is not installed (apt-get install coturn; .ci/run does)")
    worker = _worker()
    port = TURN_BASE + worker
    _port_unused(port, "coturn")
    folder = Path(tempfile.mkdtemp(prefix="coturn-"))
    secret = secrets.token_hex(16)
    config = coturn_config_write(folder, secret=secret, port=port, tls_port=TURN_BASE + 20 + worker,
                                 relay_min=RELAY_BASE + worker * RELAY_PER_WORKER,
                                 relay_max=RELAY_BASE + (worker + 1) * RELAY_PER_WORKER - 1,
                                 relay_ip=primary_ip())
    turn = Turn(urls=[f"turn:127.0.0.1:{port}?transport=udp", f"turn:127.0.0.1:{port}?transport=tcp"], secret=secret)
    if os.environ.get("KEEP_MEDIA_LOGS"):
        with config.open("a") as handle:
            handle.write("verbose\n")
    turn.process = coturn_start(config)
    if not wait_for_port("127.0.0.1", port, 15):
        raise RuntimeError("coturn did not start")
    yield turn
    process_stop(turn.process)
    if not os.environ.get("KEEP_MEDIA_LOGS"):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sfu(janus_server, settings):
    """The project set up to use the test Janus."""
    from django.core.cache import cache

    settings.JANUS_URLS = [janus_server.url]
    settings.JANUS_API_SECRET = janus_server.api_secret
    settings.JANUS_ADMIN_KEY = janus_server.admin_key
    cache.clear()
    yield janus_server
    cache.clear()
