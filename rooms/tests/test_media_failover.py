"""The media server lost and found again, with real Janus servers of the
test's own that it kills (by process id), pauses or restarts: the room says
so and carries on, the room is made again (on another server when its own
stays down) and every admitted socket is told to re-attach."""

import asyncio
import secrets

import pytest
from django.core.cache import cache

from rooms import failover, media
from rooms.janus import JanusSession
from rooms.tests.conftest import next_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
RECOVERY = 15  # seconds: a Janus start (about 1 s) plus the recovery's longest wait


@pytest.fixture
def servers(spare_janus, settings):
    """`servers(n)`: n Janus servers of this test, listed in JANUS_URLS."""
    api_secret, admin_key = secrets.token_hex(16), secrets.token_hex(16)

    def start(count: int):
        started = [spare_janus(index, api_secret=api_secret, admin_key=admin_key) for index in range(count)]
        settings.JANUS_URLS = [janus.url for janus in started]
        settings.JANUS_API_SECRET, settings.JANUS_ADMIN_KEY = api_secret, admin_key
        return started

    cache.clear()
    yield start
    cache.clear()


async def _next(communicator, event_type: str, seconds: float = RECOVERY) -> dict:
    async with asyncio.timeout(seconds):
        while True:
            message = await communicator.receive_json_from(timeout=seconds)
            if message["type"] == event_type:
                return message


async def _room_on(janus, code: str) -> dict | None:
    """The session's Janus room as this server lists it (None if it has none)."""
    known = await media.sfu_room_known(code=code)
    if known is None or known.url != janus.url:
        return None
    session = await JanusSession.open(janus.url, janus.api_secret)
    try:
        handle = await session.attach()
        rooms = (await session.request(handle, {"request": "list", "admin_key": janus.admin_key}))["list"]
    finally:
        await session.close()
    return next((room for room in rooms if room["room"] == known.room), None)


async def _in_video(sockets, session, host_user, guest_user):
    """A facilitator and a member, both let in and joined to the video."""
    host, _ = await sockets.join(session, host_user)
    guest, state = await sockets.join(session, guest_user)
    await host.send_json_to({"type": "admit", "participant": state["me"]["participant"]})
    await next_event(guest, "state")
    for person in (host, guest):
        await person.send_json_to({"type": "video_join"})
        await next_event(person, "video_joined")
    return host, guest


async def test_after_janus_restarts_the_room_is_made_again_and_everyone_re_attaches(
        servers, sockets, room_session, member, facilitator):
    (janus,) = servers(1)
    host, guest = await _in_video(sockets, room_session, facilitator, member)
    before = await _room_on(janus, room_session.code)
    assert before["num_participants"] == 2
    await asyncio.to_thread(janus.kill)
    for person in (host, guest):
        await _next(person, "video_lost")  # the page says "video is reconnecting"
    await guest.send_json_to({"type": "chat", "text": "still talking"})
    assert (await next_event(host, "chat"))["text"] == "still talking"
    await guest.send_json_to({"type": "hand", "raised": True})
    assert (await next_event(host, "hands"))["queue"]
    await asyncio.to_thread(janus.start)
    for person in (host, guest):  # nobody asked: the server tells them
        await _next(person, "video_rejoin")
    after = await _room_on(janus, room_session.code)
    assert after["room"] != before["room"]
    assert after["record"] is False
    assert after["lock_record"] is True
    for person in (host, guest):
        await person.send_json_to({"type": "video_join"})
        await next_event(person, "video_joined")
    assert (await _room_on(janus, room_session.code))["num_participants"] == 2


async def test_a_room_whose_server_stays_down_moves_to_a_reachable_one(servers, sockets, room_session, member,
                                                                        facilitator):
    first, second = servers(2)
    host, guest = await _in_video(sockets, room_session, facilitator, member)
    assert (await media.sfu_room_known(code=room_session.code)).url == first.url  # a tie: the first listed
    await asyncio.to_thread(first.kill)
    for person in (host, guest):
        await _next(person, "video_rejoin")
    moved = await _room_on(second, room_session.code)
    assert moved is not None
    assert moved["record"] is False
    for person in (host, guest):
        await person.send_json_to({"type": "video_join"})
        await next_event(person, "video_joined")
    assert (await _room_on(second, room_session.code))["num_participants"] == 2


async def test_a_hung_janus_is_noticed_and_its_rooms_move(servers, sockets, room_session, member, facilitator,
                                                          monkeypatch):
    from rooms import janus as client

    monkeypatch.setattr(client, "KEEPALIVE", 0.5)  # how soon a silent server is noticed
    monkeypatch.setattr(client, "TIMEOUT", 1.0)
    first, second = servers(2)
    host, guest = await _in_video(sockets, room_session, facilitator, member)
    await asyncio.to_thread(first.pause)  # its sockets stay open; nothing answers
    for person in (host, guest):
        await _next(person, "video_lost")
        await _next(person, "video_rejoin")
    assert await _room_on(second, room_session.code) is not None


async def test_a_join_while_no_server_answers_is_re_attached_when_one_does(servers, sockets, room_session,
                                                                           facilitator):
    (janus,) = servers(1)
    await asyncio.to_thread(janus.kill)
    host, _ = await sockets.join(room_session, facilitator)
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_unavailable")
    await asyncio.to_thread(janus.start)
    await _next(host, "video_rejoin")
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_joined")


async def test_one_recovery_runs_per_room_and_only_while_the_room_wants_video(servers, room_session):
    (janus,) = servers(1)
    code = room_session.code
    lost = await media.sfu_room_ensure(code=code, publishers=2, ttl=60)
    await asyncio.to_thread(janus.kill)
    await asyncio.to_thread(janus.start)
    announced = []

    async def announce(room):
        announced.append(room)

    async def wanted():
        return True

    arguments = {"code": code, "lost": lost, "publishers": 2, "ttl": 60, "announce": announce}
    results = await asyncio.gather(*(failover.sfu_room_recover(**arguments, wanted=wanted) for _ in range(3)))
    made = [room for room in results if room is not None]
    assert len(made) == 1
    assert announced == made
    assert made[0] != lost
    assert await failover.sfu_room_alive(made[0])
    assert not await failover.sfu_room_alive(lost)
    # The room still there: nothing is made again; its placement is announced
    # so sockets whose own link broke re-attach to it.
    again = await failover.sfu_room_recover(**{**arguments, "lost": made[0]}, wanted=wanted)
    assert again == made[0]

    async def unwanted():
        return False

    await asyncio.to_thread(janus.kill)
    assert await failover.sfu_room_recover(**{**arguments, "lost": made[0]}, wanted=unwanted) is None
    assert await cache.aget(failover.LOCK_KEY.format(code=code)) is None
