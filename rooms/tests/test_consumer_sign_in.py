"""A room socket obeys the pages' sign-in rules: two-factor authentication
where it is required, and the idle and absolute limits of the sign-in,
enforced by the server while the socket is open (pings are not activity;
a person acting in the room, or any page, is)."""

import asyncio
import time

import pytest
from allauth.mfa.models import Authenticator
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from accounts.tests.factories import UserFactory, role_grant
from groups.models import Facilitation, PeerGroup
from rooms import protocol
from rooms.tests.conftest import close_code, next_event
from rooms.tests.support import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def stored(cookie: str) -> SessionBase:
    """The sign-in behind a cookie (loaded from the store when first read)."""
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return engine(cookie)


@sync_to_async
def signed_in(user, **times: float) -> str:
    """A sign-in whose `last_seen` / `started_at` are this many seconds ago."""
    cookie = session_cookie(user)
    session = stored(cookie)
    for name, ago in times.items():
        session[name] = time.time() - ago
    session.save()
    return cookie


async def two_seconds_left(sockets, session, user, settings, *, idle_minutes: int = 1):
    """A socket whose sign-in reaches its idle limit two seconds from now,
    connected and past its first state; and the sign-in's cookie."""
    settings.SESSION_IDLE_TIMEOUT_MINUTES = idle_minutes
    cookie = await signed_in(user, last_seen=idle_minutes * 60 - 2)
    communicator = await sockets.open(session, cookie=cookie)
    await next_event(communicator, "state")
    return communicator, cookie


@pytest.fixture
def facilitator_without_mfa(room_session):
    person = UserFactory()
    role_grant(user=person, role="facilitator")
    Facilitation.objects.create(group=room_session.group, user=person)
    return person


@pytest.fixture
def open_room(room_session):
    PeerGroup.objects.filter(pk=room_session.group_id).update(lobby_enabled=False)
    return room_session


async def test_a_facilitator_without_two_factor_is_refused_as_pages_refuse_them(
    sockets, room_session, facilitator_without_mfa
):
    communicator = await sockets.open(room_session, user=facilitator_without_mfa)
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


async def test_the_same_facilitator_is_let_in_once_two_factor_is_set_up(sockets, room_session, facilitator_without_mfa):
    from accounts.tests.factories import _with_totp

    await sync_to_async(_with_totp)(facilitator_without_mfa)
    _, state = await sockets.join(room_session, facilitator_without_mfa)
    assert state["me"]["role"] == "facilitator"


async def test_a_practitioner_needs_no_two_factor(sockets, room_session, member):
    assert not await Authenticator.objects.filter(user=member).aexists()
    _, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"


async def test_a_sign_in_past_its_idle_limit_is_refused(sockets, room_session, member):
    communicator = await sockets.open(room_session, cookie=await signed_in(member, last_seen=31 * 60))
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


@pytest.mark.parametrize(("limit", "ago"), [
    ("SESSION_IDLE_TIMEOUT_MINUTES", {"last_seen": 60 - 2}),
    ("SESSION_ABSOLUTE_TIMEOUT_HOURS", {"started_at": 3600 - 2, "last_seen": 0}),
], ids=["idle", "absolute"])
async def test_a_socket_that_only_pings_closes_when_a_limit_passes(sockets, room_session, member, settings,
                                                                   limit, ago):
    setattr(settings, limit, 1)  # a minute's idle limit, or an hour's absolute one: two seconds left
    communicator = await sockets.open(room_session, cookie=await signed_in(member, **ago))
    assert (await communicator.receive_json_from(timeout=3))["type"] == "state"
    for _ in range(2):
        await communicator.send_json_to({"type": "ping"})
        assert await next_event(communicator, "pong")
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS  # about two seconds in


async def test_acting_in_the_room_keeps_the_sign_in_alive(sockets, open_room, member, settings):
    communicator, cookie = await two_seconds_left(sockets, open_room, member, settings, idle_minutes=2)
    await communicator.send_json_to({"type": "chat", "text": "I'm here"})
    extended = await next_event(communicator, "session")
    assert extended["seconds_left"] >= 115  # the page's idle warning starts again from here
    assert time.time() - (await sync_to_async(stored(cookie).__getitem__)("last_seen")) < 5
    await asyncio.sleep(3.5)  # past the old limit
    await communicator.send_json_to({"type": "ping"})
    assert await next_event(communicator, "pong")


@sync_to_async
def _seen_now(cookie: str) -> None:
    """As SessionTimeoutMiddleware records a page, or "Stay signed in"."""
    session = stored(cookie)
    session["last_seen"] = time.time()
    session.save()


async def test_a_page_request_elsewhere_keeps_the_socket_open(sockets, room_session, member, settings):
    communicator, cookie = await two_seconds_left(sockets, room_session, member, settings)
    await _seen_now(cookie)
    assert await communicator.receive_nothing(timeout=3)
    await communicator.send_json_to({"type": "ping"})
    assert await next_event(communicator, "pong")


async def test_signing_out_before_the_limit_is_seen_by_the_timer(sockets, room_session, member, settings):
    communicator, cookie = await two_seconds_left(sockets, room_session, member, settings)
    await sync_to_async(stored(cookie).delete)()  # gone from the store without a logout signal
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


async def test_a_socket_gets_its_sign_in_and_sends_frames_straight_to_the_server(member):
    """wellbeing.socket_sessions: the session and person resolved as Channels
    does, without a session check wrapped around every frame sent."""
    from wellbeing.socket_sessions import socket_auth_stack

    cookie = await sync_to_async(session_cookie)(member)
    seen = {}

    async def consumer(scope, receive, send):
        seen.update(user=scope["user"].pk, session=scope["session"].session_key, send=send)

    async def server_send(message):
        pass

    scope = {"type": "websocket", "path": "/ws/", "headers": [(b"cookie", f"sessionid={cookie}".encode())]}
    await socket_auth_stack(consumer)(scope, None, server_send)
    assert seen == {"user": member.pk, "session": cookie, "send": server_send}
