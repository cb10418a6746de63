"""The room page, and the facilitator's open-early and close buttons."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupSession, PeerGroup
from rooms import services
from rooms.models import Room
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(facilitator):
    ensure_roles()
    return GroupSessionFactory(group=PeerGroupFactory(facilitators=[facilitator]))


@pytest.fixture
def member(session, practitioner):
    BookingFactory(session=session, user=practitioner)
    return practitioner


def _later(session, minutes=120):
    start = timezone.now() + timedelta(minutes=minutes)
    GroupSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    session.refresh_from_db()


def test_a_member_sees_the_live_room(client, session, member):
    client.force_login(member)
    client.get(reverse("home"))  # settle the per-visit writes of signing in
    with CaptureQueriesContext(connection) as home:
        client.get(reverse("home"))
    with CaptureQueriesContext(connection) as room:
        response = client.get(reverse("rooms:room", args=[session.code]))
    # The site's own middleware and header cost what they cost; the room adds
    # a fixed few (session, facilitator?, place?, room).
    assert len(room) <= len(home) + 5
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sessions are never recorded" in html
    assert "Chat is not saved" in html
    assert "The live room needs JavaScript" in html
    assert 'id="room-config"' in html
    assert 'aria-live="polite"' in html
    assert "Samaritans" in html  # the signposting shown after "I need support"
    assert "Facilitator controls" not in html
    assert "onclick" not in html


def test_the_facilitator_sees_the_controls(client, session, facilitator):
    client.force_login(facilitator)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert "Facilitator controls" in html
    assert "End the session for everyone" in html


@pytest.mark.parametrize("person", ["outsider", "programme_admin"])
def test_people_without_a_place_get_404(client, session, person, request):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("rooms:room", args=[session.code])).status_code == 404


def test_a_cancelled_booking_gets_404(client, session, practitioner):
    BookingFactory(session=session, user=practitioner, status="cancelled")
    client.force_login(practitioner)
    assert client.get(reverse("rooms:room", args=[session.code])).status_code == 404


def test_a_garbage_code_gets_404(client, member):
    client.force_login(member)
    assert client.get("/rooms/%00../").status_code == 404
    assert client.get("/rooms/" + "x" * 300 + "/").status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, session):
    response = client.get(reverse("rooms:room", args=[session.code]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_before_it_opens_the_page_says_when_without_javascript(client, session, member, settings):
    settings.ROOM_OPENS_MINUTES_BEFORE = 15
    _later(session)
    client.force_login(member)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    opens = timezone.localtime(session.starts_at - timedelta(minutes=15))
    assert "The room is not open yet" in html
    assert f"{opens:%A} {opens.day} {opens:%B %Y}" in html
    assert 'id="room-config"' not in html
    assert "Open the room now" not in html


def test_a_facilitator_opens_the_room_early(client, session, facilitator):
    _later(session)
    client.force_login(facilitator)
    url = reverse("rooms:room", args=[session.code])
    assert "Open the room now" in client.get(url).content.decode()
    response = client.post(reverse("rooms:open", args=[session.code]))
    assert response.status_code == 302
    assert Room.objects.get(session=session).opened_at is not None
    assert 'id="room-config"' in client.get(url).content.decode()


def test_a_facilitator_closes_the_room(client, session, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("rooms:close", args=[session.code]))
    assert response.status_code == 302
    assert Room.objects.get(session=session).closed_at is not None
    assert "This room has closed" in client.get(reverse("rooms:room", args=[session.code])).content.decode()


@pytest.mark.parametrize("name", ["rooms:open", "rooms:close"])
def test_controls_reject_get(client, session, facilitator, name):
    client.force_login(facilitator)
    assert client.get(reverse(name, args=[session.code])).status_code == 405


@pytest.mark.parametrize("name", ["rooms:open", "rooms:close"])
@pytest.mark.parametrize("person", ["member", "outsider", "other_facilitator", "programme_admin"])
def test_only_the_groups_facilitators_can_use_the_controls(client, session, name, person, request):
    ensure_roles()
    client.force_login(request.getfixturevalue(person))
    assert client.post(reverse(name, args=[session.code])).status_code == 404
    assert not Room.objects.filter(session=session).exists()


def test_cancelled_and_in_person_sessions_say_so(client, session, member):
    client.force_login(member)
    url = reverse("rooms:room", args=[session.code])
    PeerGroup.objects.filter(pk=session.group_id).update(delivery=PeerGroup.Delivery.IN_PERSON, venue="Room 4")
    assert "This session meets in person" in client.get(url).content.decode()
    GroupSession.objects.filter(pk=session.pk).update(status=GroupSession.Status.CANCELLED)
    assert "This session was cancelled" in client.get(url).content.decode()


def test_large_formats_get_chat_and_the_meeting_link_without_video(client, session, member):
    PeerGroup.objects.filter(pk=session.group_id).update(
        capacity=200, video_enabled=False, external_url="https://meet.example/abc"
    )
    client.force_login(member)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert "https://meet.example/abc" in html
    assert "data-room-local" not in html
    assert '"video": false' in html


def test_video_is_offered_up_to_the_configured_size(session, settings):
    from rooms.selectors import video_allowed

    settings.ROOM_VIDEO_MAX = 8
    assert video_allowed(session)  # capacity 8
    settings.ROOM_VIDEO_MAX = 7
    assert not video_allowed(session)


def test_opening_is_idempotent_and_never_reopens_a_closed_room(session):
    services.room_close(session=session)
    services.room_open_early(session=session)
    room = Room.objects.get(session=session)
    assert room.opened_at is None
    assert room.closed_at is not None
