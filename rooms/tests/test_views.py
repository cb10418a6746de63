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


def test_the_room_lists_its_programmes_own_signposts_without_reading_the_programme(client, session, member):
    from programmes.tests.factories import SignpostFactory

    for n, name in ((2, "Trust staff hub"), (1, "Occupational health")):
        SignpostFactory(programme_id=session.group.programme_id, name=name, position=n)
    client.force_login(member)
    client.get(reverse("rooms:room", args=[session.code]))
    with CaptureQueriesContext(connection) as room:
        html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert html.index("Samaritans") < html.index("Occupational health") < html.index("Trust staff hub")
    assert not [q for q in room.captured_queries if q["sql"].startswith('SELECT "programmes_programme".')]


def test_the_facilitator_sees_the_controls(client, session, facilitator):
    client.force_login(facilitator)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert "Facilitator controls" in html
    assert "End the session for everyone" in html
    assert "{#" not in html  # no template comment shows as text


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


def test_ending_the_room_asks_first_and_says_what_happens(client, session, facilitator):
    client.force_login(facilitator)
    room_page = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert f'href="{reverse("rooms:close", args=[session.code])}"' in room_page  # a link: works without JavaScript
    response = client.get(reverse("rooms:close", args=[session.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "End the session for everyone?" in html
    assert "Yes, end the session for everyone" in html
    assert "Facilitators can open the room again until" in html
    assert not Room.objects.filter(session=session, closed_at__isnull=False).exists()  # asking ends nothing


def test_a_facilitator_ends_the_room_and_can_open_it_again(client, session, facilitator, member):
    client.force_login(facilitator)
    url = reverse("rooms:room", args=[session.code])
    response = client.post(reverse("rooms:close", args=[session.code]))
    assert response.status_code == 302
    assert Room.objects.get(session=session).closed_at is not None
    html = client.get(url).content.decode()
    assert "A facilitator has ended the session in the room" in html
    assert "Open the room again" in html
    assert 'id="room-config"' not in html
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "A facilitator has ended the session in the room" in html
    assert "Open the room again" not in html
    assert "this page updates by itself" in html
    client.force_login(facilitator)
    client.post(reverse("rooms:open", args=[session.code]))
    assert 'id="room-config"' in client.get(url).content.decode()


def test_a_room_ended_the_day_before_opens_at_its_normal_time(client, session, facilitator, member):
    _later(session, minutes=24 * 60)
    client.force_login(facilitator)
    client.post(reverse("rooms:open", args=[session.code]))  # "Open the room now", the day before
    client.post(reverse("rooms:close", args=[session.code]))  # "End the session for everyone"
    client.force_login(member)
    url = reverse("rooms:room", args=[session.code])
    html = client.get(url).content.decode()
    assert "The room opens again at its normal time" in html
    # The next day: the sitting was a day ago, and the session is under way.
    day = timedelta(days=1)
    room = Room.objects.get(session=session)
    Room.objects.filter(pk=room.pk).update(opened_at=room.opened_at - day, closed_at=room.closed_at - day)
    GroupSession.objects.filter(pk=session.pk).update(starts_at=session.starts_at - day, ends_at=session.ends_at - day)
    html = client.get(url).content.decode()
    assert "This room has closed" not in html
    assert 'id="room-config"' in html  # the live room


def test_the_status_url_says_whether_the_room_is_open(client, session, member, outsider):
    client.force_login(member)
    url = reverse("rooms:status", args=[session.code])
    assert client.get(url).json() == {"status": "open"}
    _later(session)
    assert client.get(url).json() == {"status": "not_yet"}
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_waiting_pages_watch_for_the_room_opening(client, session, member, settings):
    settings.ROOM_WAIT_POLL_SECONDS = 3
    _later(session)
    client.force_login(member)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert "js/room-wait.js" in html
    assert f'data-status-url="{reverse("rooms:status", args=[session.code])}"' in html
    assert 'data-poll-seconds="3"' in html


def test_opening_rejects_get(client, session, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("rooms:open", args=[session.code])).status_code == 405


@pytest.mark.parametrize("name", ["rooms:open", "rooms:close"])
@pytest.mark.parametrize("person", ["member", "outsider", "other_facilitator", "programme_admin"])
def test_only_the_groups_facilitators_can_use_the_controls(client, session, name, person, request):
    ensure_roles()
    client.force_login(request.getfixturevalue(person))
    assert client.post(reverse(name, args=[session.code])).status_code == 404
    assert client.get(reverse("rooms:close", args=[session.code])).status_code == 404  # nor the question
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


def test_without_the_media_server_a_big_room_says_video_needs_it_and_works_without(client, session, member,
                                                                                  settings):
    settings.JANUS_URLS = []
    PeerGroup.objects.filter(pk=session.group_id).update(capacity=40, video_enabled=True)
    client.force_login(member)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert "needs the media server" in html
    assert "data-room-local" not in html
    assert '"media": "needs_server"' in html
    assert 'data-room-chat-form' in html  # chat, hands and support still there


def test_with_the_media_server_every_size_gets_video(client, session, member, settings):
    settings.JANUS_URLS = ["ws://janus.example:8188"]
    settings.JANUS_API_SECRET, settings.JANUS_ADMIN_KEY = "api-secret-value", "admin-key-value"
    settings.TURN_SECRET = "turn-secret-value"
    PeerGroup.objects.filter(pk=session.group_id).update(capacity=300, video_enabled=True)
    client.force_login(member)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert '"media": "sfu"' in html
    assert "data-room-local" in html
    for secret in ("janus.example", "api-secret-value", "admin-key-value", "turn-secret-value"):
        assert secret not in html  # nothing of the media servers' access reaches the page


def test_opening_never_reopens_a_room_after_its_scheduled_end(session):
    services.room_close(session=session)
    GroupSession.objects.filter(pk=session.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    session.refresh_from_db()
    services.room_open_early(session=session)
    assert Room.objects.get(session=session).opened_at is None


def test_the_room_has_a_leave_button_back_to_the_session_or_the_group(client, session, member, facilitator):
    client.force_login(member)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert f'href="{reverse("signups:session", args=[session.code])}">Leave the room</a>' in html
    client.force_login(facilitator)
    html = client.get(reverse("rooms:room", args=[session.code])).content.decode()
    assert f'href="{reverse("groups:manage", args=[session.group.code])}">Leave the room</a>' in html
