"""`video_join` with `receive`, on a real Janus: the server subscribes the
newcomer to everyone publishing now in the same exchange, so Janus's offer
follows `video_joined` without the page asking (bench S7); feeds that
appear later still come by `video_subscribe`. The access rules are those of
every other media request."""

import pytest

from rooms import media
from rooms.tests.conftest import drain, next_event
from rooms.tests.test_media_sfu import _janus_rooms, _let_in, _participants

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _next_media(socket) -> dict:
    """The next message about video (or an error), skipping the room's others."""
    while True:
        message = await socket.receive_json_from(timeout=5)
        if message["type"].startswith("video_") or message["type"] == "error":
            return message


async def _remote_publisher(session, participant: str) -> int:
    """A real feed in the session's Janus room without a browser: a VideoRoom
    remote publisher (audio and video over plain RTP on loopback), named by
    the presence code as the app names its own. Returns its feed id."""
    room = await media.sfu_room_known(code=session.code)
    admin, handle = await media.admin_session(room.url)
    try:
        reply = await admin.request(handle, {
            "request": "add_remote_publisher", "room": room.room, "secret": room.secret, "display": participant,
            "iface": "127.0.0.1",
            "streams": [{"type": "audio", "mid": "0", "mindex": 0, "codec": "opus"},
                        {"type": "video", "mid": "1", "mindex": 1, "codec": "vp8"}],
        })
    finally:
        await admin.close()
    return reply["id"]


async def test_joining_to_receive_brings_the_offer_for_everyone_publishing_now(
        sfu, sockets, room_session, member, facilitator):
    host, host_state = await sockets.join(room_session, facilitator)
    speaker = host_state["me"]["participant"]
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_joined")
    feed = await _remote_publisher(room_session, speaker)
    guest, _ = await _let_in(sockets, room_session, host, member)
    await guest.send_json_to({"type": "video_join", "receive": "low"})
    joined = await _next_media(guest)
    assert joined["type"] == "video_joined"
    assert joined["feeds"] == [{"feed": feed, "participant": speaker}]
    offer = await _next_media(guest)  # the very next: nothing asked for it
    assert offer["type"] == "video_offer"
    assert offer["jsep"]["type"] == "offer"
    assert sorted((s["feed"], s["participant"], s["kind"]) for s in offer["streams"]) == [
        (feed, speaker, "audio"), (feed, speaker, "video")]
    # Answering it is checked as any answer is: receiving never sends.
    sending = offer["jsep"]["sdp"].replace("a=sendonly", "a=sendrecv")
    await guest.send_json_to({"type": "video_answer", "jsep": {"type": "answer", "sdp": sending}})
    assert (await next_event(guest, "error"))["code"] == "forbidden"
    # Asking again for what it already receives brings nothing new.
    await guest.send_json_to({"type": "video_subscribe", "feeds": [feed]})
    assert not [m for m in await drain(guest) if m["type"] in ("video_offer", "error")]


async def test_feeds_that_appear_later_still_come_by_subscribing(sfu, sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    await host.send_json_to({"type": "video_join", "receive": "high"})
    assert (await next_event(host, "video_joined"))["feeds"] == []
    assert not [m for m in await drain(host) if m["type"] == "video_offer"]  # nobody to receive yet
    _, code = await _let_in(sockets, room_session, host, member)
    feed = await _remote_publisher(room_session, code)
    assert (await next_event(host, "video_feeds"))["feeds"] == [{"feed": feed, "participant": code}]
    await host.send_json_to({"type": "video_subscribe", "feeds": [feed]})
    offer = await next_event(host, "video_offer")
    assert {s["participant"] for s in offer["streams"]} == {code}


async def test_joining_without_receive_only_joins(sfu, sockets, room_session, member, facilitator):
    host, host_state = await sockets.join(room_session, facilitator)
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_joined")
    await _remote_publisher(room_session, host_state["me"]["participant"])
    guest, _ = await _let_in(sockets, room_session, host, member)
    await guest.send_json_to({"type": "video_join"})
    assert len((await next_event(guest, "video_joined"))["feeds"]) == 1
    assert not [m for m in await drain(guest) if m["type"] == "video_offer"]


async def test_nobody_outside_the_room_receives_by_joining(sfu, sockets, room_session, member, facilitator):
    host, host_state = await sockets.join(room_session, facilitator)
    guest, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"
    await guest.send_json_to({"type": "video_join", "receive": "high"})
    assert (await next_event(guest, "error"))["code"] == "not_admitted"
    assert await _janus_rooms(sfu, room_session) == []
    await host.send_json_to({"type": "video_join"})
    await next_event(host, "video_joined")
    await _remote_publisher(room_session, host_state["me"]["participant"])
    await guest.send_json_to({"type": "video_join", "receive": "high"})  # someone publishes now: still nothing
    replies = await drain(guest)
    assert [m["code"] for m in replies if m["type"] == "error"] == ["not_admitted"]
    assert not [m for m in replies if m["type"].startswith("video_")]
    room = (await _janus_rooms(sfu, room_session))[0]["room"]
    assert state["me"]["participant"] not in {p["display"] for p in await _participants(sfu, room)}
    for wrong in ("ultra", None, 1, ["high"]):
        await host.send_json_to({"type": "video_join", "receive": wrong})
        assert (await next_event(host, "error"))["code"] == "invalid", wrong
