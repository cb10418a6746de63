"""Video through a real Janus server, with the app as gatekeeper: the room
socket carries the signalling; only admitted people reach the media server;
the room is made with recording locked off and is gone when the room ends."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from groups.tests.factories import PeerGroupFactory
from rooms import media
from rooms.janus import JanusSession
from rooms.models import Room
from rooms.tests.conftest import next_event
from rooms.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
FAKE_OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}


async def _janus_rooms(janus, session) -> list[dict]:
    """The Janus room of this session, as Janus lists it ([] if none)."""
    from django.core.cache import cache

    known = await cache.aget(media.CACHE_KEY.format(code=session.code))
    link = await JanusSession.open(janus.url, janus.api_secret)
    try:
        handle = await link.attach()
        rooms = (await link.request(handle, {"request": "list", "admin_key": janus.admin_key}))["list"]
    finally:
        await link.close()
    if known is None:
        return []
    return [room for room in rooms if room["room"] == known["room"]]


async def _participants(janus, room: int) -> list[dict]:
    session = await JanusSession.open(janus.url, janus.api_secret)
    try:
        handle = await session.attach()
        reply = await session.request(handle, {"request": "listparticipants", "room": room})
        return reply.get("participants", [])
    finally:
        await session.close()


async def _let_in(sockets, session, host, user):
    guest, state = await sockets.join(session, user)
    await host.send_json_to({"type": "admit", "participant": state["me"]["participant"]})
    inside = await next_event(guest, "state")
    assert inside["me"]["state"] == "admitted"
    return guest, inside["me"]["participant"]


async def test_joining_the_video_makes_a_janus_room_that_can_never_record(sfu, sockets, room_session, facilitator):
    host, state = await sockets.join(room_session, facilitator)
    assert state["ice"] == {"servers": [], "expires": None}  # no TURN configured: no credential
    await host.send_json_to({"type": "video_join"})
    joined = await next_event(host, "video_joined")
    assert joined["feeds"] == []
    assert joined["may_publish"] is True
    rooms = await _janus_rooms(sfu, room_session)
    assert len(rooms) == 1
    assert rooms[0]["record"] is False
    assert rooms[0]["lock_record"] is True
    assert rooms[0]["is_private"] is True
    assert rooms[0]["pin_required"] is True
    assert rooms[0]["num_participants"] == 1
    # Even a participant asking Janus itself to record changes nothing: the
    # recording state is locked behind the room secret, which only the server holds.
    link = media.MediaLink(await media.sfu_room_ensure(code=room_session.code, publishers=2, ttl=60), "probe",
                           _ignore)
    await link.join()
    await link.session.message(link.publisher, {"request": "configure", "record": True})
    await link.close()
    assert (await _janus_rooms(sfu, room_session))[0]["record"] is False


async def _ignore(event):
    pass


async def test_someone_in_the_lobby_cannot_reach_the_media_server(sfu, sockets, room_session, member, facilitator):
    await sockets.join(room_session, facilitator)
    guest, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"
    await guest.send_json_to({"type": "video_join"})
    assert (await next_event(guest, "error"))["code"] == "not_admitted"
    assert await _janus_rooms(sfu, room_session) == []


async def test_out_of_order_and_malformed_signalling_is_invalid_and_changes_nothing(sfu, sockets, room_session,
                                                                                  facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    for message in (
        {"type": "video_subscribe", "feeds": [1]},  # before joining
        {"type": "video_answer", "jsep": {"type": "answer", "sdp": "v=0\r\n"}},
        {"type": "video_publish", "jsep": {"type": "offer", "sdp": "hello"}},
        {"type": "video_subscribe", "feeds": "all"},
        {"type": "video_candidate", "target": "elsewhere", "candidate": None},
        {"type": "video_restart"},  # nothing to restart before joining
    ):
        await host.send_json_to(message)
        assert (await next_event(host, "error"))["code"] == "invalid", message
    assert await _janus_rooms(sfu, room_session) == []
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_joined")
    await host.send_json_to({"type": "video_answer", "jsep": {"type": "answer", "sdp": "v=0\r\n"}})  # no offer made
    assert (await next_event(host, "error"))["code"] == "invalid"
    await host.send_json_to({"type": "video_subscribe", "feeds": [12345]})  # nobody publishes that
    assert (await next_event(host, "error"))["code"] == "invalid"
    await host.send_json_to({"type": "video_restart"})  # receiving nothing yet
    assert (await next_event(host, "error"))["code"] == "invalid"
    assert (await _janus_rooms(sfu, room_session))[0]["num_participants"] == 1


async def test_an_answer_that_tries_to_send_is_refused(sfu):
    assert media.sdp_sends("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n")
    assert not media.sdp_sends("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n")


async def test_sending_to_the_lobby_takes_them_off_the_media_server_within_two_seconds(
        sfu, sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    guest, code = await _let_in(sockets, room_session, host, member)
    await guest.send_json_to({"type": "video_join"})
    await next_event(guest, "video_joined")
    room = (await _janus_rooms(sfu, room_session))[0]["room"]
    assert code in {p["display"] for p in await _participants(sfu, room)}
    started = time.monotonic()
    await host.send_json_to({"type": "to_lobby", "participant": code})
    while code in {p["display"] for p in await _participants(sfu, room)}:
        assert time.monotonic() - started < 2, "still on the media server"
        await asyncio.sleep(0.05)
    await guest.send_json_to({"type": "video_join"})
    assert (await next_event(guest, "error"))["code"] == "not_admitted"


async def test_ending_the_room_destroys_its_janus_room(sfu, sockets, room_session, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_joined")
    assert len(await _janus_rooms(sfu, room_session)) == 1
    await host.send_json_to({"type": "end"})
    await next_event(host, "ended")
    for _ in range(40):
        if not await _janus_rooms(sfu, room_session):
            break
        await asyncio.sleep(0.05)
    assert await _janus_rooms(sfu, room_session) == []


@pytest.fixture
def stage_session(db, facilitator):
    return GroupSessionFactory(group=PeerGroupFactory(facilitators=[facilitator], format="schwartz",
                                                      capacity=300))


async def test_on_a_stage_the_audience_may_not_publish_until_brought_on(sfu, sockets, stage_session, facilitator):
    audience = await sync_to_async(lambda: BookingFactory(session=stage_session).user)()
    host, host_state = await sockets.join(stage_session, facilitator)
    assert host_state["room"]["layout"] == "stage"
    assert host_state["me"]["may_publish"] is True
    guest, code = await _let_in(sockets, stage_session, host, audience)
    await guest.send_json_to({"type": "video_join"})
    assert (await next_event(guest, "video_joined"))["may_publish"] is False
    await guest.send_json_to({"type": "video_publish", "jsep": FAKE_OFFER})
    assert (await next_event(guest, "error"))["code"] == "forbidden"

    await host.send_json_to({"type": "stage", "participant": code, "on": True})
    assert (await next_event(guest, "stage"))["may_publish"] is True
    await next_event(host, "participant", lambda m: m["participant"]["participant"] == code
                     and m["participant"]["on_stage"] is True)
    await host.send_json_to({"type": "stage", "participant": code, "on": False})
    assert (await next_event(guest, "stage"))["may_publish"] is False
    await guest.send_json_to({"type": "video_publish", "jsep": FAKE_OFFER})
    assert (await next_event(guest, "error"))["code"] == "forbidden"


async def test_a_facilitator_can_switch_the_layout(sfu, sockets, room_session, member, facilitator):
    host, state = await sockets.join(room_session, facilitator)
    assert state["room"]["layout"] == "circle"
    guest, _ = await _let_in(sockets, room_session, host, member)
    await host.send_json_to({"type": "layout", "layout": "stage"})
    assert (await next_event(guest, "stage"))["may_publish"] is False
    assert (await next_event(guest, "layout"))["layout"] == "stage"
    room = await sync_to_async(Room.objects.get)(session=room_session)
    assert room.layout == "stage"
    await guest.send_json_to({"type": "layout", "layout": "circle"})
    assert (await next_event(guest, "error"))["code"] == "forbidden"


async def test_rooms_go_to_the_least_loaded_reachable_server(sfu):
    assert await media.least_loaded_url(["ws://127.0.0.1:9", sfu.url]) == sfu.url


async def test_an_unreachable_media_server_leaves_the_room_working(sfu, settings, sockets, room_session, facilitator):
    settings.JANUS_URLS = ["ws://127.0.0.1:9"]
    host, _ = await sockets.join(room_session, facilitator)
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_unavailable")
    await host.send_json_to({"type": "chat", "text": "still here"})
    assert (await next_event(host, "chat"))["text"] == "still here"


async def test_turn_credentials_are_minted_for_those_let_in_and_refreshed_on_request(
        sfu, settings, sockets, room_session, member, facilitator):
    import base64
    import hashlib
    import hmac
    import time as clock

    settings.TURN_SECRET = "turn-secret"
    settings.TURN_URLS = ["turn:turn.example:3478?transport=udp"]
    host, state = await sockets.join(room_session, facilitator)
    turn = state["ice"]["servers"][-1]
    expiry = int(turn["username"].split(":")[0])
    assert 0 < expiry - clock.time() <= 3600
    assert state["ice"]["expires"] == expiry
    expected = base64.b64encode(hmac.new(b"turn-secret", turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected
    assert "turn-secret" not in str(state)
    guest, lobby_state = await sockets.join(room_session, member)
    assert "ice" not in lobby_state  # nothing for the lobby
    await guest.send_json_to({"type": "ice"})
    assert (await next_event(guest, "error"))["code"] == "not_admitted"
    await host.send_json_to({"type": "ice"})
    fresh = await next_event(host, "ice")
    assert fresh["servers"][-1]["username"] != turn["username"]


async def test_nothing_of_the_signalling_is_stored_or_logged(sfu, sockets, room_session, member, facilitator,
                                                             caplog, settings):
    import logging

    from rooms.tests.test_consumer_room import _every_row_of_every_table

    settings.DEBUG = True  # every SQL statement, with its parameters, is logged too
    canary = "CANARY-5b1e"
    offer = {"type": "offer", "sdp": f"v=0\r\no={canary} 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="django.db.backends"):
        host, _ = await sockets.join(room_session, facilitator)
        await host.send_json_to({"type": "video_join"})
        await next_event(host, "video_joined")
        await host.send_json_to({"type": "video_publish", "jsep": offer})  # Janus refuses this SDP
        assert (await next_event(host, "error"))["code"] == "video_failed"
        await host.send_json_to({"type": "video_candidate", "target": "publisher",
                                 "candidate": {"candidate": f"{canary} 1 udp 1 10.0.0.1 9 typ host",
                                               "sdpMid": "0", "sdpMLineIndex": 0}})
        await host.send_json_to({"type": "support"})
        await next_event(host, "support_sent")
        await host.disconnect()
    assert canary not in await sync_to_async(_every_row_of_every_table)()
    assert any(r.name == "django.db.backends" for r in caplog.records)
    assert canary not in caplog.text
