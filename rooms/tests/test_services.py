"""Presence services without sockets: stale connections, attendance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import GroupSession
from rooms import protocol, services
from rooms.models import Connection, Presence
from rooms.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking

pytestmark = pytest.mark.django_db


def test_a_connection_left_behind_by_a_dead_server_stops_counting():
    session = GroupSessionFactory(capacity=1)
    first = BookingFactory(session=session).user
    second = BookingFactory(session=session).user
    assert services.presence_connect(session=session, user=first, channel_name="a").refused is None
    assert services.presence_connect(session=session, user=second, channel_name="b").refused == protocol.CLOSE_FULL
    Connection.objects.filter(channel_name="a").update(seen_at=timezone.now() - timedelta(minutes=5))
    assert services.presence_connect(session=session, user=second, channel_name="b").refused is None
    assert not Connection.objects.filter(channel_name="a").exists()  # swept


def test_the_heartbeat_keeps_a_connection_alive():
    session = GroupSessionFactory()
    user = BookingFactory(session=session).user
    services.presence_connect(session=session, user=user, channel_name="a")
    Connection.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    services.connection_seen(channel_name="a")
    assert Connection.objects.get().seen_at > timezone.now() - timedelta(seconds=5)


def test_leaving_lowers_the_hand_and_records_the_time():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = BookingFactory(session=session)
    joined = services.presence_connect(session=session, user=booking.user, channel_name="a")
    services.hand_set(presence=joined.presence, raised=True)
    left = services.presence_disconnect(channel_name="a")
    assert left.hand_raised_at is None
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.ATTENDED
    assert booking.left_room_at is not None


def test_a_second_tab_closing_does_not_mean_leaving():
    session = GroupSessionFactory(group__lobby_enabled=False)
    user = BookingFactory(session=session).user
    services.presence_connect(session=session, user=user, channel_name="a")
    services.presence_connect(session=session, user=user, channel_name="b")
    assert Presence.objects.count() == 1
    assert services.presence_disconnect(channel_name="a") is None
    assert services.presence_disconnect(channel_name="b") is not None


def test_joining_and_leaving_are_recorded_on_the_booking():
    session = GroupSessionFactory(group__lobby_enabled=False)
    booking = BookingFactory(session=session)
    services.presence_connect(session=session, user=booking.user, channel_name="a")
    services.presence_disconnect(channel_name="a")
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.ATTENDED
    assert booking.joined_room_at is not None
    assert booking.left_room_at >= booking.joined_room_at


def test_facilitators_are_not_recorded_as_attending(facilitator, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "attendance_record_presence", lambda **kw: calls.append(kw))
    session = GroupSessionFactory(group__facilitators=[facilitator])
    services.presence_connect(session=session, user=facilitator, channel_name="a")
    services.presence_disconnect(channel_name="a")
    assert calls == []


def test_a_session_moved_later_closes_its_room_until_it_opens():
    session = GroupSessionFactory()
    user = BookingFactory(session=session).user
    start = timezone.now() + timedelta(days=1)
    GroupSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    session.refresh_from_db()
    assert services.presence_connect(session=session, user=user, channel_name="a").refused == protocol.CLOSE_NOT_OPEN
