"""Limits on what one signed-in person can do in a short time: booking,
applying and feedback answer a friendly 429 page past their limit.
(Signing up and signing in are limited by allauth; chat per connection by
rooms.protocol, tested in rooms/tests/test_consumer_messages.py.)"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import ratelimit
from core.ratelimit import APPLICATION, BOOKING, FEEDBACK
from groups.models import PeerGroup
from signups.models import Booking, Feedback, Membership
from signups.tests.factories import BookingFactory, ClosedGroupFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(facilitator):
    return GroupSessionFactory(group=PeerGroupFactory(facilitators=[facilitator]))


@pytest.fixture
def closed_group(facilitator):
    return ClosedGroupFactory(facilitators=[facilitator])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, obj) -> str:
    return reverse(f"signups:{name}", args=[obj.code])


def assert_too_many(response):
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "Need help now?" in response.text  # the page keeps the way to support


def test_booking_actions_are_limited_per_minute(session, practitioner):
    client = signed_in(practitioner)
    for i in range(BOOKING.count):
        name = ("book", "cancel", "waitlist")[i % 3]
        assert client.post(url(name, session)).status_code == 302, i
    Booking.objects.filter(user=practitioner).delete()
    assert_too_many(client.post(url("book", session)))
    assert not Booking.objects.filter(user=practitioner).exists()  # refused before anything changed


def test_one_persons_limit_does_not_stop_another(session, practitioner, outsider):
    client = signed_in(practitioner)
    for _ in range(BOOKING.count + 1):
        client.post(url("cancel", session))
    assert signed_in(outsider).post(url("book", session)).status_code == 302
    assert Booking.objects.filter(user=outsider, status=Booking.Status.CONFIRMED).exists()


def test_the_limit_lifts_in_the_next_window(session, practitioner, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    client = signed_in(practitioner)
    for _ in range(BOOKING.count):
        client.post(url("cancel", session))
    assert client.post(url("book", session)).status_code == 429
    clock[0] += BOOKING.seconds
    assert client.post(url("book", session)).status_code == 302
    assert Booking.objects.filter(user=practitioner, status=Booking.Status.CONFIRMED).exists()


def test_reading_the_session_page_is_not_limited(session, practitioner):
    client = signed_in(practitioner)
    for _ in range(BOOKING.count):
        client.post(url("cancel", session))
    assert client.get(url("session", session)).status_code == 200


def test_agreeing_to_ground_rules_counts_as_booking(session, practitioner):
    client = signed_in(practitioner)
    for _ in range(BOOKING.count):
        client.post(url("cancel", session))
    assert_too_many(client.post(url("ground_rules", session.group), {"agree": "on"}))


def test_applications_are_limited_per_hour(closed_group, practitioner):
    client = signed_in(practitioner)
    for i in range(APPLICATION.count):
        name = "apply" if i % 2 == 0 else "withdraw"
        assert client.post(url(name, closed_group), {"note": "Hello"}).status_code == 302, i
    assert Membership.objects.get(user=practitioner).status == Membership.Status.WITHDRAWN
    assert_too_many(client.post(url("apply", closed_group), {"note": "Hello"}))
    assert Membership.objects.get(user=practitioner).status == Membership.Status.WITHDRAWN
    assert client.get(url("apply", closed_group)).status_code == 200  # the page itself still shows


def test_feedback_is_limited_per_hour(session, practitioner):
    start = timezone.now() - timedelta(hours=2)
    finished = GroupSessionFactory(group=session.group, starts_at=start, ends_at=start + timedelta(minutes=75))
    BookingFactory(session=finished, user=practitioner)
    client = signed_in(practitioner)
    for _ in range(FEEDBACK.count):
        assert client.post(url("feedback", finished), {"helpfulness": "nine"}).status_code == 200  # an error
    assert_too_many(client.post(url("feedback", finished), {"helpfulness": "5"}))
    assert not Feedback.objects.exists()


def test_a_limited_view_still_rejects_get_and_outsiders_first(session, outsider):
    client = signed_in(outsider)
    assert client.get(url("book", session)).status_code == 405
    hidden = GroupSessionFactory(group=PeerGroupFactory(status=PeerGroup.Status.DRAFT))
    assert client.post(url("book", hidden)).status_code == 404
