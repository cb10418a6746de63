"""Two ASGI server processes share rooms through Redis: a person on each,
and chat and presence cross between them. Needs the real Redis (CI has it)."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from groups.models import PeerGroup
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import session_cookie

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL (CI does); "
                       "the in-memory channel layer serves one process only"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    """The test database this test run made, so the servers see our rows."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(tmp_path):
    env = {
        **os.environ, "DEBUG": "true", "SECRET_KEY": settings.SECRET_KEY, "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": _test_database_url(), "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    servers = []
    for n in range(2):
        port = _free_port()
        log = open(tmp_path / f"server{n}.log", "w")  # closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "wellbeing.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--lifespan", "off"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        servers.append((port, process, log))
    try:
        for port, process, _ in servers:
            _wait_for(port, process)
        yield [port for port, _, _ in servers]
    finally:
        for _, process, log in servers:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


async def _next(ws, event_type: str, where=lambda message: True) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if message["type"] == event_type and where(message):
            return message


async def test_chat_crosses_between_two_server_processes(two_servers, facilitator, practitioner):
    import websockets

    session = await sync_to_async(GroupSessionFactory)(
        group=await sync_to_async(PeerGroupFactory)(facilitators=[facilitator], lobby_enabled=False))
    await sync_to_async(BookingFactory)(session=session, user=practitioner)
    assert (await PeerGroup.objects.aget(pk=session.group_id)).lobby_enabled is False
    host_cookie, guest_cookie = [await sync_to_async(session_cookie)(user) for user in (facilitator, practitioner)]

    def connect(port, cookie):
        return websockets.connect(
            f"ws://127.0.0.1:{port}/ws/rooms/{session.code}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": f"sessionid={cookie}"},
        )

    async with connect(two_servers[0], host_cookie) as host, connect(two_servers[1], guest_cookie) as guest:
        assert (await _next(host, "state"))["me"]["state"] == "admitted"
        guest_state = await _next(guest, "state")
        assert guest_state["me"]["state"] == "admitted"
        guest_code = guest_state["me"]["participant"]
        await _next(host, "participant", lambda m: m["participant"]["participant"] == guest_code)  # presence
        await guest.send(json.dumps({"type": "chat", "text": "from the second server"}))
        heard = await _next(host, "chat")
        assert heard["text"] == "from the second server"
        assert heard["participant"] == guest_code
        await host.send(json.dumps({"type": "chat", "text": "and back again"}))
        assert await _next(guest, "chat", lambda m: m["text"] == "and back again")
