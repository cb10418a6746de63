"""Who may connect to a room, and the close code everyone else gets."""

from datetime import timedelta

import pytest
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
    BookingFactory(user=practitioner, session=GroupSessionFactory(group=room_session.group))
    communicator = await sockets.open(room_session, user=practitioner)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


@pytest.mark.parametrize("status", [Booking.Status.CANCELLED, Booking.Status.WAITLISTED])
async def test_it_refuses_a_booking_that_is_not_confirmed(sockets, room_session, practitioner, status):
    BookingFactory(session=room_session, user=practitioner, status=status)
    communicator = await sockets.open(room_session, user=practitioner)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


async def test_it_refuses_a_cookie_after_logout(sockets, room_session, member):
    client = Client()
    client.force_login(member)
    cookie = client.cookies["sessionid"].value
    client.logout()
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
    PeerGroup.objects.filter(pk=room_session.group_id).update(status=PeerGroup.Status.DRAFT)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_a_cancelled_session_has_no_room(sockets, room_session, member):
    GroupSession.objects.filter(pk=room_session.pk).update(status=GroupSession.Status.CANCELLED)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_UNKNOWN


async def test_the_room_is_shut_before_it_opens(sockets, room_session, member, facilitator):
    start = timezone.now() + timedelta(minutes=11)
    GroupSession.objects.filter(pk=room_session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    for person in (member, facilitator):
        communicator = await sockets.open(room_session, user=person)
        assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN


async def test_the_room_opens_ten_minutes_before_the_start(sockets, room_session, member):
    start = timezone.now() + timedelta(minutes=9)
    GroupSession.objects.filter(pk=room_session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    _, state = await sockets.join(room_session, member)
    assert state["me"]["state"] == "lobby"


async def test_a_facilitator_can_open_the_room_early(sockets, room_session, member):
    start = timezone.now() + timedelta(hours=2)
    GroupSession.objects.filter(pk=room_session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    room_session.refresh_from_db()
    services.room_open_early(session=room_session)
    _, state = await sockets.join(room_session, member)
    assert state["type"] == "state"


async def test_the_room_is_shut_after_the_end_or_when_closed(sockets, room_session, member):
    services.room_close(session=room_session)
    communicator = await sockets.open(room_session, user=member)
    assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN
    past = GroupSessionFactory(group=room_session.group, starts_at=timezone.now() - timedelta(hours=2))
    BookingFactory(session=past, user=member)
    communicator = await sockets.open(past, user=member)
    assert await close_code(communicator) == protocol.CLOSE_NOT_OPEN


async def test_an_in_person_session_has_no_room(sockets, room_session, member):
    PeerGroup.objects.filter(pk=room_session.group_id).update(delivery=PeerGroup.Delivery.IN_PERSON)
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
    GroupSession.objects.filter(pk=room_session.pk).update(capacity=1)
    await sockets.join(room_session, facilitator)  # facilitators don't take a place
    await sockets.join(room_session, member)
    communicator = await sockets.open(room_session, user=second_member)
    assert await close_code(communicator) == protocol.CLOSE_FULL


async def test_one_person_in_two_tabs_counts_once(sockets, room_session, member, second_member):
    GroupSession.objects.filter(pk=room_session.pk).update(capacity=1)
    await sockets.join(room_session, member)
    _, second_tab = await sockets.join(room_session, member)
    assert second_tab["me"]["participant"]
    communicator = await sockets.open(room_session, user=second_member)
    assert await close_code(communicator) == protocol.CLOSE_FULL


async def test_a_locked_room_refuses_newcomers_but_not_those_admitted(sockets, room_session, member, facilitator):
    PeerGroup.objects.filter(pk=room_session.group_id).update(lobby_enabled=False)
    first, _ = await sockets.join(room_session, member)
    room = services.room_get_or_create(session=room_session)
    services.room_set_locked(room=room, locked=True)
    newcomer = BookingFactory(session=room_session).user
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
    stranger = UserFactory()
    BookingFactory(user=stranger, session=GroupSessionFactory(group=PeerGroupFactory()))
    communicator = await sockets.open(room_session, cookie=session_cookie(stranger))
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN
