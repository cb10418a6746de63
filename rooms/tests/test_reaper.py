"""Connections whose socket closed without a goodbye (Redis or a server
process down) are reaped, and the person's departure is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms import services, tasks
from rooms.models import Connection, Presence
from rooms.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking

pytestmark = pytest.mark.django_db


def _in_room(session, channel_name):
    booking = BookingFactory(session=session)
    joined = services.presence_connect(session=session, user=booking.user, channel_name=channel_name)
    assert joined.refused is None
    return booking


def _went_silent(channel_name, minutes_ago):
    seen_at = timezone.now() - timedelta(minutes=minutes_ago)
    Connection.objects.filter(channel_name=channel_name).update(seen_at=seen_at)
    return Connection.objects.get(channel_name=channel_name).seen_at


def test_a_socket_that_closed_unseen_is_reaped_and_the_departure_recorded_when_last_seen():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = _in_room(session, "gone")
    services.hand_set(presence=Presence.objects.get(user=booking.user), raised=True)
    last_seen = _went_silent("gone", minutes_ago=3)

    assert tasks.reap_stale_connections() == 1

    assert not Connection.objects.filter(channel_name="gone").exists()
    presence = Presence.objects.get(user=booking.user)
    assert presence.left_at == last_seen
    assert presence.hand_raised_at is None
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.ATTENDED
    assert booking.left_room_at == last_seen


def test_people_still_connected_are_left_alone():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = _in_room(session, "here")

    assert services.connections_reap_stale() == 0

    assert Connection.objects.filter(channel_name="here").exists()
    assert Presence.objects.get(user=booking.user).left_at is None
    booking.refresh_from_db()
    assert booking.left_room_at is None


def test_a_dead_tab_beside_a_live_one_is_reaped_without_recording_a_departure():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = _in_room(session, "old-tab")
    services.presence_connect(session=session, user=booking.user, channel_name="new-tab")
    _went_silent("old-tab", minutes_ago=3)

    assert services.connections_reap_stale() == 1

    assert list(Connection.objects.values_list("channel_name", flat=True)) == ["new-tab"]
    assert Presence.objects.get(user=booking.user).left_at is None
    booking.refresh_from_db()
    assert booking.left_room_at is None


def test_someone_joining_sweeps_the_rooms_stale_connections_and_records_those_departures():
    session = GroupSessionFactory(group__lobby_enabled=False)
    gone = _in_room(session, "gone")
    last_seen = _went_silent("gone", minutes_ago=3)

    _in_room(session, "newcomer")

    assert not Connection.objects.filter(channel_name="gone").exists()
    gone.refresh_from_db()
    assert gone.left_room_at == last_seen


def test_reaping_twice_records_the_departure_once():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = _in_room(session, "gone")
    last_seen = _went_silent("gone", minutes_ago=3)
    services.connections_reap_stale()
    assert services.connections_reap_stale() == 0
    booking.refresh_from_db()
    assert booking.left_room_at == last_seen
