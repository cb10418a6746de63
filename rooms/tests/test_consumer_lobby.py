"""The lobby and the facilitator's controls over who is in the room."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import public_name
from groups.models import GroupSession, PeerGroup
from rooms import protocol, services
from rooms.tests.conftest import close_code, drain, next_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_member_waits_in_the_lobby_and_facilitators_see_them(sockets, room_session, member, facilitator):
    host, state = await sockets.join(room_session, facilitator)
    assert state["lobby"] == []
    guest, guest_state = await sockets.join(room_session, member)
    assert guest_state["me"]["state"] == "lobby"
    assert guest_state["participants"] == []  # the lobby sees nobody inside
    assert "lobby" not in guest_state
    lobby = await next_event(host, "lobby")
    assert lobby["waiting"] == [{"participant": guest_state["me"]["participant"], "name": public_name(member)}]


async def test_admitting_brings_the_member_in(sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    guest, guest_state = await sockets.join(room_session, member)
    code = guest_state["me"]["participant"]
    await host.send_json_to({"type": "admit", "participant": code})
    inside = await next_event(guest, "state")
    assert inside["me"]["state"] == "admitted"
    assert {p["name"] for p in inside["participants"]} == {public_name(member), public_name(facilitator)}
    await next_event(host, "lobby", lambda m: m["waiting"] == [])  # the lobby empties
    joined = await next_event(host, "participant", lambda m: m["participant"]["name"] == public_name(member))
    assert joined["participant"]["participant"] == code


async def test_turning_someone_away_from_the_lobby_closes_their_connection(sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    guest, guest_state = await sockets.join(room_session, member)
    await host.send_json_to({"type": "remove", "participant": guest_state["me"]["participant"]})
    assert (await next_event(guest, "removed"))["type"] == "removed"
    assert await close_code(guest) == protocol.CLOSE_FORBIDDEN


async def test_sending_back_to_the_lobby(sockets, room_session, member, facilitator):
    await PeerGroup.objects.filter(pk=room_session.group_id).aupdate(lobby_enabled=False)
    host, _ = await sockets.join(room_session, facilitator)
    guest, guest_state = await sockets.join(room_session, member)
    assert guest_state["me"]["state"] == "admitted"
    await host.send_json_to({"type": "to_lobby", "participant": guest_state["me"]["participant"]})
    back = await next_event(guest, "state")
    assert back["me"]["state"] == "lobby"
    await host.send_json_to({"type": "chat", "text": "only for those inside"})
    assert "chat" not in [m["type"] for m in await drain(guest)]


async def test_a_chat_frame_reaching_someone_in_the_lobby_is_not_passed_on(sockets, room_session, member, facilitator):
    """Chat goes to the admitted group as one encoded frame; a socket in the
    lobby that still gets one (it left the group a moment late) drops it."""
    from channels.layers import get_channel_layer

    from accounts.services import room_channel_group

    host, _ = await sockets.join(room_session, facilitator)
    guest, guest_state = await sockets.join(room_session, member)
    assert guest_state["me"]["state"] == "lobby"
    person = f"{room_channel_group(room_session.code)}.person.{guest_state['me']['participant']}"
    await get_channel_layer().group_send(person, {"type": "room.chat", "frame": '{"type": "chat", "text": "x"}'})
    await host.send_json_to({"type": "chat", "text": "only for those inside"})
    assert (await next_event(host, "chat"))["text"] == "only for those inside"
    assert "chat" not in [m["type"] for m in await drain(guest)]


async def test_switching_the_lobby_off_admits_everyone_waiting(sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    guest, _ = await sockets.join(room_session, member)
    await host.send_json_to({"type": "lobby", "enabled": False})
    assert (await next_event(guest, "state"))["me"]["state"] == "admitted"
    assert (await next_event(host, "settings"))["lobby_enabled"] is False


async def test_facilitators_cannot_be_removed_or_sent_away(sockets, room_session, facilitator, other_facilitator):
    await room_session.group.facilitation_set.acreate(user=other_facilitator)
    host, _ = await sockets.join(room_session, facilitator)
    co_host, co_state = await sockets.join(room_session, other_facilitator)
    await host.send_json_to({"type": "remove", "participant": co_state["me"]["participant"]})
    await host.send_json_to({"type": "ping"})
    await next_event(host, "pong")
    assert "removed" not in [m["type"] for m in await drain(co_host)]


async def test_ending_the_session_closes_the_room_for_everyone(sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    guest, _ = await sockets.join(room_session, member)  # even in the lobby
    await host.send_json_to({"type": "end"})
    for communicator in (host, guest):
        await next_event(communicator, "ended")
        assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN
    again = await sockets.open(room_session, user=member)
    assert await close_code(again) == protocol.CLOSE_NOT_OPEN
    # That sitting only: a facilitator can open the room again before the scheduled end.
    await sync_to_async(services.room_open_early)(session=room_session)
    _, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"


async def test_a_facilitator_who_drops_out_can_rejoin_and_the_room_goes_on(
    sockets, room_session, member, second_member, facilitator
):
    await PeerGroup.objects.filter(pk=room_session.group_id).aupdate(lobby_enabled=False)
    host, _ = await sockets.join(room_session, facilitator)
    guest, _ = await sockets.join(room_session, member)
    other, _ = await sockets.join(room_session, second_member)
    await host.disconnect()
    gone = await next_event(guest, "participant_left")
    assert gone["type"] == "participant_left"
    await guest.send_json_to({"type": "chat", "text": "still here"})
    assert (await next_event(other, "chat"))["text"] == "still here"
    _, back = await sockets.join(room_session, facilitator)
    assert back["me"]["state"] == "admitted"
    assert len(back["participants"]) == 3


async def test_locking_is_announced(sockets, room_session, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    await host.send_json_to({"type": "lock", "locked": True})
    assert (await next_event(host, "settings")) == {"type": "settings", "locked": True, "lobby_enabled": True}


async def test_the_room_closes_itself_at_the_end_of_the_session(sockets, room_session, member):
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(ends_at=timezone.now() + timedelta(seconds=1.5))
    communicator, _ = await sockets.join(room_session, member)
    await next_event(communicator, "ended")
    assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN


async def test_closing_from_the_page_ends_the_room_for_those_connected(sockets, room_session, member, facilitator):
    guest, _ = await sockets.join(room_session, member)
    client = Client()
    await sync_to_async(client.force_login)(facilitator)
    response = await sync_to_async(client.post)(reverse("rooms:close", args=[room_session.code]))
    assert response.status_code == 302
    await next_event(guest, "ended")
    assert await close_code(guest) == protocol.CLOSE_NOT_OPEN
