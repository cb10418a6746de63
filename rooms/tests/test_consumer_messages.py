"""Every incoming message is validated and rate-limited; a bad one gets an
error event and the connection (and room) carries on."""

import json
import logging

import pytest

from groups.models import PeerGroup
from rooms import protocol, services
from rooms.tests.conftest import drain, next_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def open_room(room_session):
    PeerGroup.objects.filter(pk=room_session.group_id).update(lobby_enabled=False)
    return room_session


async def _error_for(communicator, raw=None, *, data=None) -> dict:
    if data is not None:
        await communicator.send_to(bytes_data=data)
    else:
        await communicator.send_to(text_data=raw)
    return await next_event(communicator, "error")


@pytest.mark.parametrize(("raw", "code"), [
    ("not json", "invalid"),
    ("[1, 2]", "invalid"),
    ('"chat"', "invalid"),
    ('{"type": "shout"}', "unknown_type"),
    ('{"text": "no type"}', "unknown_type"),
    ('{"type": "chat"}', "invalid"),
    ('{"type": "chat", "text": 42}', "invalid"),
    ('{"type": "chat", "text": "   "}', "invalid"),
    ('{"type": "hand", "raised": "yes"}', "invalid"),
    ('{"type": "signal", "to": "../other", "kind": "offer", "data": {}}', "invalid"),
    ('{"type": "signal", "to": "abc", "kind": "hello", "data": {}}', "invalid"),
    (json.dumps({"type": "chat", "text": "x" * (protocol.MAX_CHAT_CHARS + 1)}), "too_long"),
    (json.dumps({"type": "chat", "text": "x" * 3000}), "too_large"),
    (json.dumps({"type": "ping", "pad": "x" * 20000}), "too_large"),
])
async def test_a_bad_message_gets_an_error_and_the_connection_stays(sockets, open_room, member, raw, code):
    communicator, _ = await sockets.join(open_room, member)
    error = await _error_for(communicator, raw)
    assert error["code"] == code
    await communicator.send_json_to({"type": "ping"})
    assert await next_event(communicator, "pong")


async def test_binary_frames_are_refused(sockets, open_room, member):
    communicator, _ = await sockets.join(open_room, member)
    assert (await _error_for(communicator, data=b"\x00\x01"))["code"] == "invalid"


async def test_participants_cannot_use_facilitator_controls(sockets, open_room, member, second_member):
    communicator, _ = await sockets.join(open_room, member)
    _, other = await sockets.join(open_room, second_member)
    # A well-formed example of every field a control takes: a new control
    # with a new field fails here until it has one, so every control is tried.
    examples = {"participant": other["me"]["participant"], "on": True, "layout": "stage", "locked": True,
                "enabled": True}
    controls = [kind for kind, spec in protocol.TYPES.items() if spec.facilitator_only]
    assert {"remove", "lock", "end", "hands_clear", "support_dismiss"} <= set(controls)
    for kind in controls:
        message = {"type": kind, **{name: examples[name] for name in protocol.TYPES[kind].fields}}
        error = await _error_for(communicator, json.dumps(message))
        assert error["code"] == "forbidden", kind


async def test_chat_is_rate_limited_per_connection(sockets, open_room, member):
    communicator, _ = await sockets.join(open_room, member)
    capacity, _ = protocol.BUCKETS["chat"]
    for n in range(capacity + 1):
        await communicator.send_json_to({"type": "chat", "text": f"message {n}"})
    # Chat goes round the channel layer, so the error may come back first.
    replies = [r for r in await drain(communicator) if r["type"] in ("chat", "error")]
    assert [r["type"] for r in replies].count("chat") == capacity
    assert [r for r in replies if r["type"] == "error"] == [
        {"type": "error", "code": "rate_limited", "message": "Too many messages: wait a moment and try again."}
    ]


async def test_people_in_the_lobby_cannot_chat(sockets, room_session, member):
    communicator, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"
    error = await _error_for(communicator, json.dumps({"type": "chat", "text": "hello"}))
    assert error["code"] == "not_admitted"


async def test_a_failure_inside_is_reported_without_quoting_the_message(
    sockets, open_room, member, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError(f"broken while handling {kwargs}")

    monkeypatch.setattr(services, "hand_set", broken)
    communicator, _ = await sockets.join(open_room, member)
    with caplog.at_level(logging.DEBUG):
        error = await _error_for(communicator, json.dumps({"type": "hand", "raised": True}))
    assert error["code"] == "server_error"
    assert "RuntimeError" in caplog.text
    assert "broken while handling" not in caplog.text
    await communicator.send_json_to({"type": "ping"})
    assert await next_event(communicator, "pong")


@pytest.fixture
def packing_layer(sockets, monkeypatch):
    """The test's channel layer, packing every event as channels_redis does
    (msgpack, UTF-8) before delivering it, so text Redis could not carry
    fails in embedded mode too."""
    import msgpack
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    deliver = layer.group_send

    async def group_send(group, message):
        msgpack.packb(message, use_bin_type=True)
        await deliver(group, message)

    monkeypatch.setattr(layer, "group_send", group_send)
    return layer


@pytest.mark.parametrize("raw", [
    '{"type": "chat", "text": "\ud800"}',  # the lone surrogate itself in the frame's text
    '{"type": "chat", "text": "\\ud800"}',  # as a JSON escape
    '{"type": "chat", "text": "hello \\udfff"}',
    '{"type": "media", "audio": true, "video": false, "note": "\\ud800"}',
])
async def test_a_lone_surrogate_is_invalid_and_logs_no_error(
    sockets, packing_layer, open_room, member, second_member, raw, caplog
):
    communicator, _ = await sockets.join(open_room, member)
    listener, _ = await sockets.join(open_room, second_member)
    await drain(listener)
    with caplog.at_level(logging.INFO):
        error = await _error_for(communicator, raw)
    assert error["code"] == "invalid"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [m for m in await drain(listener) if m["type"] == "chat"] == []
    await communicator.send_json_to({"type": "chat", "text": "still here \U0001f600"})
    assert (await next_event(listener, "chat"))["text"] == "still here \U0001f600"
