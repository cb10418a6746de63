"""A room is opened and ended sitting by sitting: ending an early sitting
never stops the room opening at its time, facilitators can open it again
until the scheduled end, and attendance adds up across sittings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import GroupSession
from rooms import protocol, services
from rooms.models import Presence, Room
from rooms.selectors import RoomStatus, opens_at, room_status
from rooms.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking

pytestmark = pytest.mark.django_db


def _tomorrow(session):
    start = timezone.now() + timedelta(days=1)
    GroupSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    session.refresh_from_db()
    return session


def _status(session, now=None):
    return room_status(session, Room.objects.filter(session=session).first(), now)


def test_ending_a_room_opened_the_day_before_lets_it_open_at_its_normal_time():
    session = _tomorrow(GroupSessionFactory())
    services.room_open_early(session=session)
    services.room_close(session=session)
    assert _status(session) == RoomStatus.ENDED
    assert _status(session, opens_at(session) - timedelta(minutes=1)) == RoomStatus.ENDED
    assert _status(session, opens_at(session)) == RoomStatus.OPEN
    assert _status(session, session.ends_at) == RoomStatus.CLOSED


def test_a_facilitator_can_open_an_ended_room_again_until_the_scheduled_end():
    session = GroupSessionFactory()  # under way
    services.room_close(session=session)
    assert _status(session) == RoomStatus.ENDED
    services.room_open_early(session=session)
    assert _status(session) == RoomStatus.OPEN
    services.room_close(session=session)
    assert _status(session) == RoomStatus.ENDED
    GroupSession.objects.filter(pk=session.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    session.refresh_from_db()
    services.room_open_early(session=session)
    assert _status(session) == RoomStatus.CLOSED  # after the scheduled end it stays closed


def test_ending_a_room_that_is_not_open_changes_nothing():
    session = _tomorrow(GroupSessionFactory())
    services.room_close(session=session)
    assert _status(session) == RoomStatus.NOT_YET
    assert Room.objects.get(session=session).closed_at is None


def test_opening_an_open_room_keeps_its_opening_time():
    session = _tomorrow(GroupSessionFactory())
    first = services.room_open_early(session=session).opened_at
    assert services.room_open_early(session=session).opened_at == first


def test_attendance_adds_up_across_two_sittings():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = BookingFactory(session=session)
    user = booking.user
    assert services.presence_connect(session=session, user=user, channel_name="a").refused is None
    services.room_close(session=session)  # the facilitator ends the first sitting
    booking.refresh_from_db()
    first_join, first_leave = booking.joined_room_at, booking.left_room_at
    assert first_join is not None
    assert first_leave is not None

    services.room_open_early(session=session)  # and opens it again
    assert services.presence_connect(session=session, user=user, channel_name="b").refused is None
    services.presence_disconnect(channel_name="b")
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.ATTENDED
    assert booking.joined_room_at == first_join  # the first join is kept
    assert booking.left_room_at > first_leave  # the last leave is the second sitting's


def test_the_next_sitting_starts_with_the_lobby_and_unlocked():
    session = GroupSessionFactory(group__lobby_enabled=True)
    user = BookingFactory(session=session).user
    joined = services.presence_connect(session=session, user=user, channel_name="a")
    services.presence_admit(room=joined.room, code=joined.presence.code)
    services.room_set_locked(room=joined.room, locked=True)
    services.room_close(session=session)
    services.room_open_early(session=session)
    again = services.presence_connect(session=session, user=user, channel_name="b")
    assert again.refused is None  # not kept out by the last sitting's lock
    assert again.presence.state == Presence.State.LOBBY
    assert again.presence.waiting_since is not None


def test_someone_removed_stays_out_in_the_next_sitting():
    session = GroupSessionFactory(group__lobby_enabled=False)
    user = BookingFactory(session=session).user
    joined = services.presence_connect(session=session, user=user, channel_name="a")
    services.presence_remove(room=joined.room, code=joined.presence.code)
    services.room_close(session=session)
    services.room_open_early(session=session)
    assert services.presence_connect(session=session, user=user, channel_name="b").refused == protocol.CLOSE_FORBIDDEN
