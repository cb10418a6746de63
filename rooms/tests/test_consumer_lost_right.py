"""Losing the right to be in a room closes that person's sockets for it
within two seconds, however the right is lost: every service that can take
it away tells the room after committing, and the room re-checks the right
in the database (accounts.services.live_rooms_recheck)."""

import asyncio
import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory
from groups.models import GroupSession
from groups.services import facilitator_remove, group_archive, session_cancel, session_move
from rooms import protocol
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from signups.models import Booking, Membership
from signups.services import booking_cancel, membership_leave
from signups.tests.factories import ClosedGroupFactory, MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
WITHIN = 2  # seconds


async def closed_within(communicator, seconds: float = WITHIN) -> int:
    """The close code the server sends within `seconds` (other events skipped)."""
    async def wait() -> int:
        while True:
            output = await communicator.receive_output(timeout=seconds)
            if output["type"] == "websocket.close":
                return output.get("code", 1000)
    return await asyncio.wait_for(wait(), timeout=seconds)


async def still_open(communicator) -> bool:
    await communicator.send_json_to({"type": "ping"})
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return False
        if json.loads(output["text"])["type"] == "pong":
            return True


@pytest.fixture
def starting_soon(facilitator):
    """A session starting in five minutes: its room is open and places can still be cancelled."""
    return GroupSessionFactory(
        group=PeerGroupFactory(facilitators=[facilitator], lobby_enabled=False),
        starts_at=timezone.now() + timedelta(minutes=5),
    )


async def test_cancelling_ones_place_closes_ones_socket(sockets, starting_soon, practitioner, second_member):
    booking = await sync_to_async(BookingFactory)(session=starting_soon, user=practitioner)
    other = (await sync_to_async(BookingFactory)(session=starting_soon)).user
    mine, _ = await sockets.join(starting_soon, practitioner)
    theirs, _ = await sockets.join(starting_soon, other)
    await sync_to_async(booking_cancel)(booking=booking)  # as the cancel page does, in a worker thread
    assert await closed_within(mine) == protocol.CLOSE_FORBIDDEN
    assert await still_open(theirs)


async def test_a_cancelled_place_is_not_let_back_in(sockets, starting_soon, practitioner):
    booking = await sync_to_async(BookingFactory)(session=starting_soon, user=practitioner)
    await sync_to_async(booking_cancel)(booking=booking)
    communicator = await sockets.open(starting_soon, user=practitioner)
    assert await closed_within(communicator) == protocol.CLOSE_FORBIDDEN


@sync_to_async
def _member_with_a_place_under_way(facilitator, practitioner) -> tuple[Membership, GroupSession]:
    group = ClosedGroupFactory(facilitators=[facilitator], lobby_enabled=False)
    membership = MembershipFactory(group=group, user=practitioner, status=Membership.Status.ACCEPTED)
    session = GroupSessionFactory(group=group)  # started five minutes ago
    BookingFactory(session=session, user=practitioner, via_membership=True)
    return membership, session


async def test_leaving_a_closed_group_closes_the_room_of_a_session_under_way(sockets, facilitator, practitioner):
    membership, session = await _member_with_a_place_under_way(facilitator, practitioner)
    communicator, _ = await sockets.join(session, practitioner)
    await sync_to_async(membership_leave)(membership=membership)
    assert await closed_within(communicator) == protocol.CLOSE_FORBIDDEN
    # The place at a session under way stays (for the register); the room does not.
    assert (await Booking.objects.aget(session=session, user=practitioner)).status == Booking.Status.CONFIRMED


async def test_cancelling_the_session_closes_everyones_socket(sockets, room_session, member, facilitator):
    guest, _ = await sockets.join(room_session, member)
    host, _ = await sockets.join(room_session, facilitator)
    await sync_to_async(session_cancel)(session=room_session, reason="Facilitator unwell")
    assert await closed_within(guest) == protocol.CLOSE_UNKNOWN
    assert await closed_within(host) == protocol.CLOSE_UNKNOWN


async def test_moving_the_session_away_closes_its_room(sockets, starting_soon, member_of_soon, facilitator):
    guest, _ = await sockets.join(starting_soon, member_of_soon)
    host, _ = await sockets.join(starting_soon, facilitator)
    tomorrow = starting_soon.starts_at + timedelta(days=1)
    await sync_to_async(session_move)(session=starting_soon, starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=1))
    assert await closed_within(guest) == protocol.CLOSE_NOT_OPEN
    assert await closed_within(host) == protocol.CLOSE_NOT_OPEN


async def test_moving_the_session_a_little_keeps_its_room_open_until_the_new_end(
    sockets, starting_soon, member_of_soon
):
    guest, _ = await sockets.join(starting_soon, member_of_soon)
    later = starting_soon.starts_at + timedelta(minutes=2)
    await sync_to_async(session_move)(session=starting_soon, starts_at=later, ends_at=later + timedelta(hours=1))
    assert await still_open(guest)


async def test_archiving_the_group_closes_a_members_socket(sockets, room_session, member, facilitator):
    communicator, _ = await sockets.join(room_session, member)
    await sync_to_async(group_archive)(group=room_session.group)
    assert await closed_within(communicator) == protocol.CLOSE_UNKNOWN


async def test_removing_a_co_facilitator_closes_their_socket(sockets, room_session, facilitator):
    co_facilitator = await sync_to_async(FacilitatorFactory)()
    facilitation = await room_session.group.facilitation_set.acreate(user=co_facilitator)
    communicator, _ = await sockets.join(room_session, co_facilitator)
    host, _ = await sockets.join(room_session, facilitator)
    await sync_to_async(facilitator_remove)(group=room_session.group, facilitation=facilitation)
    assert await closed_within(communicator) == protocol.CLOSE_FORBIDDEN
    assert await still_open(host)


async def test_a_change_that_leaves_the_right_alone_leaves_the_socket_open(sockets, starting_soon, practitioner):
    kept = await sync_to_async(BookingFactory)(session=starting_soon, user=practitioner)
    later = await sync_to_async(GroupSessionFactory)(
        group=starting_soon.group, starts_at=timezone.now() + timedelta(days=2))
    elsewhere = await sync_to_async(BookingFactory)(user=practitioner, session=later)
    communicator, _ = await sockets.join(starting_soon, practitioner)
    await sync_to_async(booking_cancel)(booking=elsewhere)  # another session's place
    assert await still_open(communicator)
    assert (await Booking.objects.aget(pk=kept.pk)).status == Booking.Status.CONFIRMED


@pytest.fixture
def member_of_soon(starting_soon, practitioner):
    BookingFactory(session=starting_soon, user=practitioner)
    return practitioner
