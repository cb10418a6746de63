"""Inside the room: chat, hands, support, mute, WebRTC signalling, attendance."""

import logging
from datetime import datetime, timedelta

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from django.db import connection
from django.utils import timezone

from accounts.selectors import public_name
from groups.models import PeerGroup
from rooms import services
from rooms.tests.conftest import drain, next_event
from rooms.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def open_room(room_session):
    """No lobby, so people are in as soon as they connect."""
    PeerGroup.objects.filter(pk=room_session.group_id).update(lobby_enabled=False)
    return room_session


async def test_chat_reaches_everyone_in_the_room_and_nobody_outside(
    sockets, open_room, member, second_member, facilitator
):
    other_session = await sync_to_async(GroupSessionFactory)(group=open_room.group)
    outsider_elsewhere = (await sync_to_async(BookingFactory)(session=other_session)).user
    elsewhere, _ = await sockets.join(other_session, outsider_elsewhere)
    host, _ = await sockets.join(open_room, facilitator)
    sender, state = await sockets.join(open_room, member)
    receiver, _ = await sockets.join(open_room, second_member)
    room = await sync_to_async(services.room_get_or_create)(session=open_room)
    await sync_to_async(services.room_set_lobby)(room=room, enabled=True)
    newcomer = (await sync_to_async(BookingFactory)(session=open_room)).user
    waiting, waiting_state = await sockets.join(open_room, newcomer)
    assert waiting_state["me"]["state"] == "lobby"
    await sender.send_json_to({"type": "chat", "text": "  Hello, everyone  "})
    for communicator in (host, sender, receiver):
        chat = await next_event(communicator, "chat")
        assert chat["text"] == "Hello, everyone"
        assert chat["name"] == public_name(member)
        assert chat["participant"] == state["me"]["participant"]
    for communicator in (elsewhere, waiting):
        assert "chat" not in [m["type"] for m in await drain(communicator)]



async def test_chat_reaches_the_room_without_a_hop_to_the_database_thread(
    sockets, open_room, member, second_member, facilitator, monkeypatch
):
    """Bench S2: Channels' own dispatch hopped to the database thread before
    every handler, so one message in a room of 100 queued 100 hops there."""
    people = [(await sockets.join(open_room, user))[0] for user in (facilitator, member, second_member)]
    sender = people[1]
    await sender.send_json_to({"type": "chat", "text": "first"})  # records the sender's activity: once a minute
    for communicator in people:
        await next_event(communicator, "chat")
    hops = []
    hop = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        hops.append(self.func)
        return await hop(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    await sender.send_json_to({"type": "chat", "text": "second"})
    for communicator in people:
        assert (await next_event(communicator, "chat"))["text"] == "second"
    assert hops == []

async def test_hands_queue_in_the_order_raised_and_facilitators_clear_them(
    sockets, open_room, member, second_member, facilitator
):
    host, _ = await sockets.join(open_room, facilitator)
    first, first_state = await sockets.join(open_room, second_member)
    second, second_state = await sockets.join(open_room, member)
    await first.send_json_to({"type": "hand", "raised": True})
    await next_event(host, "hands", lambda m: len(m["queue"]) == 1)
    await second.send_json_to({"type": "hand", "raised": True})
    queue = (await next_event(host, "hands", lambda m: len(m["queue"]) == 2))["queue"]
    assert queue == [first_state["me"]["participant"], second_state["me"]["participant"]]
    await first.send_json_to({"type": "hand", "raised": True})  # again: keeps its place
    await first.send_json_to({"type": "hand", "raised": False})
    queue = (await next_event(host, "hands", lambda m: len(m["queue"]) == 1))["queue"]
    assert queue == [second_state["me"]["participant"]]
    await host.send_json_to({"type": "hands_clear"})
    assert (await next_event(second, "hands", lambda m: m["queue"] == []))["queue"] == []


async def test_support_alerts_facilitators_only(sockets, open_room, member, second_member, facilitator):
    host, _ = await sockets.join(open_room, facilitator)
    asker, state = await sockets.join(open_room, member)
    bystander, _ = await sockets.join(open_room, second_member)
    await asker.send_json_to({"type": "support"})
    assert await next_event(asker, "support_sent") == {"type": "support_sent", "delivered": True}
    alert = await next_event(host, "support")
    at = alert.pop("at")
    assert alert.pop("first_at") == at
    assert alert == {"type": "support", "participant": state["me"]["participant"], "name": public_name(member),
                     "count": 1}
    assert abs(datetime.fromisoformat(at) - timezone.now()) < timedelta(seconds=30)  # shown as the time it came
    assert "support" not in [m["type"] for m in await drain(bystander)]


async def test_support_alerts_merge_repeats_and_survive_a_facilitator_reload_until_the_room_ends(
        sockets, open_room, member, facilitator):
    from django.core.cache import cache

    from rooms import alerts

    host, _ = await sockets.join(open_room, facilitator)
    asker, state = await sockets.join(open_room, member)
    for _ in range(2):
        await asker.send_json_to({"type": "support"})
        await next_event(asker, "support_sent")
    second = await next_event(host, "support", lambda m: m["count"] == 2)
    assert second["first_at"] <= second["at"]
    await host.disconnect()
    again, reloaded = await sockets.join(open_room, facilitator)
    assert [(a["participant"], a["count"]) for a in reloaded["support"]] == [(state["me"]["participant"], 2)]
    assert "support" not in state  # a participant's own state carries nobody's alerts
    await again.send_json_to({"type": "end"})
    await next_event(again, "ended")
    assert await alerts.support_alerts(code=open_room.code) == []
    assert await cache.aget(alerts.KEY.format(code=open_room.code)) is None


async def test_a_facilitator_who_has_seen_an_alert_takes_it_off_for_every_facilitator(
        sockets, open_room, member, second_member, facilitator):
    from accounts.tests.factories import FacilitatorFactory
    from rooms import alerts

    co_host_user = await sync_to_async(FacilitatorFactory)()
    await sync_to_async(open_room.group.facilitators.add)(co_host_user)
    host, _ = await sockets.join(open_room, facilitator)
    co_host, _ = await sockets.join(open_room, co_host_user)
    asker, state = await sockets.join(open_room, member)
    other, other_state = await sockets.join(open_room, second_member)
    code = state["me"]["participant"]
    for person in (asker, other):
        await person.send_json_to({"type": "support"})
        await next_event(person, "support_sent")
    await next_event(co_host, "support", lambda m: m["participant"] == other_state["me"]["participant"])
    # Only facilitators may: the same check as every facilitator control.
    await other.send_json_to({"type": "support_dismiss", "participant": code})
    assert (await next_event(other, "error"))["code"] == "forbidden"
    await host.send_json_to({"type": "support_dismiss", "participant": code})
    for each in (host, co_host):
        seen = await next_event(each, "support_dismissed")
        assert seen == {"type": "support_dismissed", "participant": code, "by": public_name(facilitator)}
    assert [a["participant"] for a in await alerts.support_alerts(code=open_room.code)] == [
        other_state["me"]["participant"]]
    _, reloaded = await sockets.join(open_room, co_host_user)
    assert [a["participant"] for a in reloaded["support"]] == [other_state["me"]["participant"]]
    # Seen already (by someone else), or nobody's: nothing changes, nothing is sent.
    await co_host.send_json_to({"type": "support_dismiss", "participant": code})
    await co_host.send_json_to({"type": "support_dismiss", "participant": "nobodys-code-123"})
    assert "support_dismissed" not in [m["type"] for m in await drain(host)]
    await co_host.send_json_to({"type": "support_dismiss", "participant": "../bad"})
    assert (await next_event(co_host, "error"))["code"] == "invalid"
    assert "support_dismissed" not in [m["type"] for m in await drain(asker)]  # never told to participants


async def test_asking_for_support_with_no_facilitator_in_the_room_says_nobody_was_told(sockets, open_room, member):
    asker, _ = await sockets.join(open_room, member)
    await asker.send_json_to({"type": "support"})
    assert await next_event(asker, "support_sent") == {"type": "support_sent", "delivered": False}


async def test_a_facilitator_can_ask_someones_client_to_mute(sockets, open_room, member, second_member, facilitator):
    host, _ = await sockets.join(open_room, facilitator)
    target, state = await sockets.join(open_room, member)
    bystander, _ = await sockets.join(open_room, second_member)
    await host.send_json_to({"type": "mute", "participant": state["me"]["participant"]})
    assert await next_event(target, "mute") == {"type": "mute"}
    assert "mute" not in [m["type"] for m in await drain(bystander)]


async def test_signals_go_only_to_the_named_peer(sockets, open_room, member, second_member, facilitator):
    caller, _ = await sockets.join(open_room, facilitator)
    callee, callee_state = await sockets.join(open_room, member)
    bystander, _ = await sockets.join(open_room, second_member)
    offer = {"type": "offer", "sdp": "v=0\r\n"}
    await caller.send_json_to({"type": "signal", "to": callee_state["me"]["peer"], "kind": "offer", "data": offer})
    signal = await next_event(callee, "signal")
    assert signal["kind"] == "offer"
    assert signal["data"] == offer
    assert "signal" not in [m["type"] for m in await drain(bystander)]


async def test_signals_cannot_reach_another_rooms_peer(sockets, open_room, member, facilitator):
    other_session = await sync_to_async(GroupSessionFactory)(group=open_room.group)
    await PeerGroup.objects.filter(pk=open_room.group_id).aupdate(lobby_enabled=False)
    elsewhere_person = (await sync_to_async(BookingFactory)(session=other_session)).user
    elsewhere, elsewhere_state = await sockets.join(other_session, elsewhere_person)
    caller, _ = await sockets.join(open_room, facilitator)
    await caller.send_json_to({"type": "signal", "to": elsewhere_state["me"]["peer"], "kind": "candidate",
                               "data": {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"}})
    assert "signal" not in [m["type"] for m in await drain(elsewhere)]


async def test_no_signalling_where_video_is_off(sockets, open_room, member, facilitator):
    await PeerGroup.objects.filter(pk=open_room.group_id).aupdate(video_enabled=False)
    caller, _ = await sockets.join(open_room, facilitator)
    _, callee_state = await sockets.join(open_room, member)
    await caller.send_json_to({"type": "signal", "to": callee_state["me"]["peer"], "kind": "offer",
                               "data": {"type": "offer", "sdp": "v=0"}})
    assert (await next_event(caller, "error"))["code"] == "no_video"


async def test_presence_feeds_attendance(sockets, open_room, member):
    communicator, _ = await sockets.join(open_room, member)
    booking = await Booking.objects.aget(session=open_room, user=member)
    assert booking.attendance == Booking.Attendance.ATTENDED
    assert booking.joined_room_at is not None
    assert booking.left_room_at is None
    await communicator.disconnect()
    await booking.arefresh_from_db()
    assert booking.left_room_at >= booking.joined_room_at


async def test_waiting_in_the_lobby_is_not_attending(sockets, room_session, member):
    await sockets.join(room_session, member)
    assert (await Booking.objects.aget(session=room_session, user=member)).attendance == Booking.Attendance.UNKNOWN


def _every_row_of_every_table() -> str:
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            rows.extend(repr(row) for row in cursor.fetchall())
    assert len(rows) > 10  # the dump really saw the data
    return "\n".join(rows)


async def test_chat_is_never_stored_or_logged(
    sockets, open_room, member, second_member, facilitator, caplog, settings
):
    settings.DEBUG = True  # so every SQL statement, with its parameters, is logged too
    canary = "CANARY-7f3a9 my shift was awful"
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="django.db.backends"):
        host, _ = await sockets.join(open_room, facilitator)
        sender, _ = await sockets.join(open_room, member)
        receiver, _ = await sockets.join(open_room, second_member)
        await sender.send_json_to({"type": "chat", "text": canary})
        assert (await next_event(receiver, "chat"))["text"] == canary
        await sender.send_json_to({"type": "chat", "text": canary + "x" * 2000})  # refused: too long
        assert (await next_event(sender, "error"))["code"] in ("too_long", "too_large")
        for communicator in (host, sender, receiver):
            await communicator.disconnect()
    assert "CANARY-7f3a9" not in await sync_to_async(_every_row_of_every_table)()
    assert any(r.name == "django.db.backends" for r in caplog.records)  # SQL was captured
    assert "CANARY-7f3a9" not in caplog.text
