"""Who may connect to a room, and the close code everyone else gets."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.models import GroupSession, PeerGroup
from rooms import protocol, services
from rooms.tests.conftest import close_code
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import session_cookie
from signups.models import Booking

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_it_refuses_anonymous_people(sockets, room_session):
    communicator = await sockets.open(room_session)
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


async def test_it_refuses_people_without_a_place(sockets, room_session, outsider):
    communicator = await sockets.open(room_session, user=outsider)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


async def test_it_refuses_a_place_at_another_session(sockets, room_session, practitioner):
    other = await sync_to_async(GroupSessionFactory)(group=room_session.group)
    await sync_to_async(BookingFactory)(user=practitioner, session=other)
    communicator = await sockets.open(room_session, user=practitioner)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


@pytest.mark.parametrize("status", [Booking.Status.CANCELLED, Booking.Status.WAITLISTED])
async def test_it_refuses_a_booking_that_is_not_confirmed(sockets, room_session, practitioner, status):
    await sync_to_async(BookingFactory)(session=room_session, user=practitioner, status=status)
    communicator = await sockets.open(room_session, user=practitioner)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


async def test_it_refuses_a_cookie_after_logout(sockets, room_session, member):
    client = Client()
    await sync_to_async(client.force_login)(member)
    cookie = client.cookies["sessionid"].value
    await sync_to_async(client.logout)()
    communicator = await sockets.open(room_session, cookie=cookie)
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


async def test_it_refuses_another_sites_origin(sockets, room_session, member):
    await sockets.open(room_session, user=member, origin=b"https://evil.example")
    assert sockets.last_connected is False


async def test_it_refuses_a_missing_origin(sockets, room_session, member):
    await sockets.open(room_session, user=member, origin=None)
    assert sockets.last_connected is False


async def test_an_unknown_session_is_unknown(sockets, room_session, member):
    communicator = await sockets.open(room_session, user=member, path="/ws/rooms/not-a-code/")
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_a_garbage_code_is_unknown(sockets, room_session, member):
    communicator = await sockets.open(room_session, user=member, path="/ws/rooms/%00%ff" + "x" * 300 + "/")
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_a_draft_groups_session_is_unknown_to_members(sockets, room_session, member):
    await PeerGroup.objects.filter(pk=room_session.group_id).aupdate(status=PeerGroup.Status.DRAFT)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_a_cancelled_session_has_no_room(sockets, room_session, member):
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(status=GroupSession.Status.CANCELLED)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_the_room_is_shut_before_it_opens(sockets, room_session, member, facilitator):
    start = timezone.now() + timedelta(minutes=11)
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(starts_at=start, ends_at=start + timedelta(hours=1))
    for person in (member, facilitator):
        communicator = await sockets.open(room_session, user=person)
        assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN


async def test_the_room_opens_ten_minutes_before_the_start(sockets, room_session, member):
    start = timezone.now() + timedelta(minutes=9)
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(starts_at=start, ends_at=start + timedelta(hours=1))
    _, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"


async def test_a_facilitator_can_open_the_room_early(sockets, room_session, member):
    start = timezone.now() + timedelta(hours=2)
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(starts_at=start, ends_at=start + timedelta(hours=1))
    await room_session.arefresh_from_db()
    await sync_to_async(services.room_open_early)(session=room_session)
    _, state = await sockets.join(room_session, member)
    assert state["type"] == "state"


async def test_the_room_is_shut_after_the_end_or_when_closed(sockets, room_session, member):
    await sync_to_async(services.room_close)(session=room_session)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN
    past = await sync_to_async(GroupSessionFactory)(
        group=room_session.group, starts_at=timezone.now() - timedelta(hours=2))
    await sync_to_async(BookingFactory)(session=past, user=member)
    communicator = await sockets.open(past, user=member)
    assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN


async def test_an_in_person_session_has_no_room(sockets, room_session, member):
    await PeerGroup.objects.filter(pk=room_session.group_id).aupdate(delivery=PeerGroup.Delivery.IN_PERSON)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_programme_admins_do_not_enter_rooms(sockets, room_session, programme_admin):
    communicator = await sockets.open(room_session, user=programme_admin)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


async def test_a_facilitator_goes_straight_in(sockets, room_session, facilitator):
    _, state = await sockets.join(room_session, facilitator)
    assert state["me"]["state"] == "admitted"
    assert state["me"]["role"] == "facilitator"
    assert state["lobby"] == []


async def test_a_full_room_refuses_one_more(sockets, room_session, member, second_member, facilitator):
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(capacity=1)
    await sockets.join(room_session, facilitator)  # facilitators don't take a place
    await sockets.join(room_session, member)
    communicator = await sockets.open(room_session, user=second_member)
    assert await close_code(communicator) == protocol.CLOSE_FULL


async def test_one_person_in_two_tabs_counts_once(sockets, room_session, member, second_member):
    await GroupSession.objects.filter(pk=room_session.pk).aupdate(capacity=1)
    await sockets.join(room_session, member)
    _, second_tab = await sockets.join(room_session, member)
    assert second_tab["me"]["participant"]
    communicator = await sockets.open(room_session, user=second_member)
    assert await close_code(communicator) == protocol.CLOSE_FULL


async def test_a_locked_room_refuses_newcomers_but_not_those_admitted(sockets, room_session, member, facilitator):
    await PeerGroup.objects.filter(pk=room_session.group_id).aupdate(lobby_enabled=False)
    first, _ = await sockets.join(room_session, member)
    room = await sync_to_async(services.room_get_or_create)(session=room_session)
    await sync_to_async(services.room_set_locked)(room=room, locked=True)
    newcomer = (await sync_to_async(BookingFactory)(session=room_session)).user
    communicator = await sockets.open(room_session, user=newcomer)
    assert await close_code(communicator) == protocol.CLOSE_LOCKED
    await first.disconnect()
    _, state = await sockets.join(room_session, member)  # dropped out, comes back
    assert state["me"]["state"] == "admitted"


async def test_someone_removed_cannot_come_back(sockets, room_session, member, facilitator):
    host, _ = await sockets.join(room_session, facilitator)
    guest, state = await sockets.join(room_session, member)
    await host.send_json_to({"type": "remove", "participant": state["me"]["participant"]})
    assert await close_code(guest) == protocol.CLOSE_FORBIDDEN
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


async def test_a_session_cookie_of_a_stranger_with_a_place_elsewhere_is_refused(sockets, room_session):
    stranger = await sync_to_async(UserFactory)()
    await sync_to_async(BookingFactory)(user=stranger, session=await sync_to_async(GroupSessionFactory)(
        group=await sync_to_async(PeerGroupFactory)()))
    communicator = await sockets.open(room_session, cookie=await sync_to_async(session_cookie)(stranger))
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN
