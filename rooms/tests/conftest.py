"""WebSocket test helpers: a signed-in communicator is built from a real
session cookie, through the full ASGI stack (origin check, auth, routing)."""

import asyncio

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.media_servers import janus_server, sfu, spare_janus, turn_server  # noqa: F401 - fixtures
from rooms.tests.support import ensure_roles, fresh_channel_layer, session_cookie

SITE = object()  # the site's own origin (SITE_URL), as its pages send it
TIMEOUT = 3


class Sockets:
    """Opens communicators and disconnects every one of them afterwards."""

    def __init__(self):
        from wellbeing.asgi import application

        self.application = application
        self.opened: list[WebsocketCommunicator] = []

    async def open(self, session, *, user=None, cookie=None, origin=SITE, path=None) -> WebsocketCommunicator:
        if origin is SITE:
            from django.conf import settings

            origin = settings.SITE_URL.encode()
        headers = [(b"origin", origin)] if origin else []
        if user is not None:
            cookie = await sync_to_async(session_cookie)(user)
        if cookie:
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(self.application, path or f"/ws/rooms/{session.code}/", headers=headers)
        self.opened.append(communicator)
        self.last_connected, _ = await communicator.connect(timeout=TIMEOUT)
        return communicator

    async def join(self, session, user) -> tuple[WebsocketCommunicator, dict]:
        """Connect and return the first message, the room's state."""
        communicator = await self.open(session, user=user)
        state = await communicator.receive_json_from(timeout=TIMEOUT)
        assert state["type"] == "state", state
        return communicator, state

    async def close_all(self):
        for communicator in self.opened:
            try:
                await communicator.disconnect(timeout=TIMEOUT)
            except Exception:  # noqa: S110 - already closed by the server
                pass


async def close_code(communicator: WebsocketCommunicator) -> int:
    """The code the server closed with, skipping any events before it."""
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return output.get("code", 1000)


async def next_event(communicator: WebsocketCommunicator, event_type: str, where=None) -> dict:
    """The next message of this type (and matching `where`), skipping others."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] == event_type and (where is None or where(message)):
            return message


async def drain(communicator: WebsocketCommunicator) -> list[dict]:
    """Every message that arrives in a short while."""
    import json

    messages = []
    while not await communicator.receive_nothing(timeout=0.3):
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.send":
            messages.append(json.loads(output["text"]))
    return messages


@pytest.fixture(scope="session", autouse=True)
def _worker_thread_connection_closed(django_db_setup, django_db_blocker):
    """Async tests' plain `sync_to_async` calls run in asgiref's one shared
    worker thread, whose database connection nothing closes: close it
    before the test database is dropped ("being accessed by other users")."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    with django_db_blocker.unblock():
        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


async def failover_tasks_stop():
    """A media room's recovery outlives the socket that started it (as it
    should); it does not outlive the test."""
    from rooms.failover import _running

    for task in list(_running):
        task.cancel()
    await asyncio.gather(*_running, return_exceptions=True)


@pytest_asyncio.fixture
async def sockets():
    layer = fresh_channel_layer()
    await layer.flush()
    opened = Sockets()
    yield opened
    await opened.close_all()
    await failover_tasks_stop()
    await layer.flush()
    if hasattr(layer, "close_pools"):  # channels_redis: don't leave connections to a closed loop
        await layer.close_pools()
    fresh_channel_layer()


@pytest.fixture
def room_session(db, facilitator):
    """A session under way whose group uses the lobby, run by `facilitator`."""
    return GroupSessionFactory(group=PeerGroupFactory(facilitators=[facilitator]))


@pytest.fixture
def member(room_session, practitioner):
    BookingFactory(session=room_session, user=practitioner)
    return practitioner


@pytest.fixture
def second_member(room_session):
    return BookingFactory(session=room_session).user



@pytest.fixture
def facilitator(db):
    from accounts.tests.factories import FacilitatorFactory

    ensure_roles()
    return FacilitatorFactory()


@pytest.fixture
def programme_admin(db):
    from accounts.tests.factories import ProgrammeAdminFactory

    ensure_roles()
    return ProgrammeAdminFactory()
