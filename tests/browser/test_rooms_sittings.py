"""Ending a room and asking for support, in Chromium: ending asks first and
ends only that sitting (a room opened the day before opens again at its
time); waiting pages load the room when it opens; "I need support" shows the
help at once whatever the connection, and says whether the alert went."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, UserFactory
from groups.models import GroupSession
from rooms import services
from rooms.models import Room
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _sign_in(page, base_url, user):
    sign_in(page, base_url, user)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def people(asgi_server, settings):
    settings.ROOM_WAIT_POLL_SECONDS = 1  # waiting pages ask every second or so
    fresh_channel_layer()
    ensure_roles()
    host = FacilitatorFactory(display_name="Sam Host")
    guest = UserFactory(display_name="Alex Guest")
    session = GroupSessionFactory(group=PeerGroupFactory(facilitators=[host], video_enabled=False))
    BookingFactory(session=session, user=guest)
    yield host, guest, session
    fresh_channel_layer()


@pytest.fixture
def guest_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_room_opened_and_ended_the_day_before_opens_again_at_its_time(asgi_server, page, guest_page, people):
    host, guest, session = people
    start = timezone.now() + timedelta(days=1)
    GroupSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    room_url = f"{asgi_server.url}/rooms/{session.code}/"
    _sign_in(page, asgi_server.url, host)
    _sign_in(guest_page, asgi_server.url, guest)
    guest_page.goto(room_url)
    guest_page.get_by_role("heading", name="The room is not open yet").wait_for()

    page.goto(room_url)
    page.get_by_role("button", name="Open the room now").click()
    page.get_by_text("You are in the room.").wait_for()
    # The guest's waiting page noticed by itself: no reload by hand.
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()
    assert guest_page.get_by_text("You are in the lobby").count() == 0  # one status line, not two

    page.get_by_role("button", name="End the session for everyone").click()
    page.get_by_text("End the session for everyone?").wait_for()  # asked in place first
    assert page.get_by_text("The room opens again by itself at its normal time").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="No, keep the room open").click()
    assert page.get_by_text("You are in the room.").is_visible()  # nothing ended
    page.get_by_role("button", name="End the session for everyone").click()
    page.get_by_role("button", name="Yes, end the session for everyone").click()
    page.get_by_role("heading", name="A facilitator has ended the session in the room").wait_for()
    assert_accessible(page)
    guest_page.get_by_text("A facilitator has ended the session for everyone.").wait_for()

    # Facilitators can open it again before the scheduled end; the guest's page follows.
    page.get_by_role("button", name="Open the room again").click()
    page.get_by_text("You are in the room.").wait_for()
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()

    # Without JavaScript the same question is a page of its own.
    page.goto(f"{room_url}close/")
    page.get_by_role("heading", name="End the session for everyone?").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, end the session for everyone").click()
    page.get_by_role("heading", name="A facilitator has ended the session in the room").wait_for()

    # The next day: that sitting was yesterday, and the session is about to start.
    day = timedelta(days=1)
    room = Room.objects.get(session=session)
    Room.objects.filter(pk=room.pk).update(opened_at=room.opened_at - day, closed_at=room.closed_at - day)
    now = timezone.now()
    GroupSession.objects.filter(pk=session.pk).update(starts_at=now, ends_at=now + timedelta(hours=1))
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()  # it opened by itself,
    page.get_by_text("You are in the room.").wait_for()  # and both pages followed without a reload
    page.get_by_role("button", name="Let in Alex Guest").click()
    guest_page.get_by_text("You are in the room.").wait_for()


class _Line:
    """The guest's WebSocket, passed through Playwright so a test can cut it
    (and keep it cut) while the server and everyone else carry on."""

    def __init__(self, page):
        self.cut = False
        self.routes = []
        page.route_web_socket(re.compile(r"/ws/rooms/"), self._route)

    def _route(self, ws):
        if self.cut:
            ws.close(code=1011, reason="network down")  # not a final code: the page tries again
            return
        ws.connect_to_server()
        self.routes.append(ws)

    def drop(self):
        self.cut = True
        for ws in self.routes:
            ws.close(code=1011, reason="network down")
        self.routes.clear()


def test_i_need_support_shows_help_at_once_and_sends_when_reconnected(asgi_server, page, guest_page, people):
    host, guest, session = people
    room_url = f"{asgi_server.url}/rooms/{session.code}/"
    line = _Line(guest_page)
    _sign_in(page, asgi_server.url, host)
    page.goto(room_url)
    page.get_by_text("You are in the room.").wait_for()
    _sign_in(guest_page, asgi_server.url, guest)
    guest_page.goto(room_url)
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()

    line.drop()
    guest_page.get_by_text("The connection was lost").wait_for()
    guest_page.get_by_role("button", name="I need support").click()
    # At once, from the page itself: the help, and the truth about the alert.
    assert guest_page.get_by_role("heading", name="Need help now?").is_visible()
    assert guest_page.get_by_role("link", name="Samaritans").is_visible()
    guest_page.get_by_text("Not sent yet — we'll send it when you reconnect.").wait_for()
    assert_accessible(guest_page)
    assert page.locator("[data-room-alerts]").inner_text() == ""

    line.cut = False  # the network is back: the page reconnects and sends it
    guest_page.get_by_text("Your facilitator has been told, privately.").wait_for(timeout=45_000)
    alerts = page.locator("[data-room-alerts]")
    alerts.get_by_text(re.compile(r"Alex Guest \(\w{4}\) asked for support at \d\d:\d\d\.")).wait_for()

    guest_page.get_by_role("button", name="I need support").click()  # again: one line, counted
    repeated = re.compile(r"Alex Guest \(\w{4}\) asked for support at \d\d:\d\d \(2 times since \d\d:\d\d\)")
    alerts.get_by_text(repeated).wait_for()
    # A facilitator who reloads still sees it (the room's live state, not the database).
    page.reload()
    page.locator("[data-room-alerts]").get_by_text(re.compile(r"\(2 times since")).wait_for()
    assert alerts.locator("p").count() == 1

    line.drop()
    services.room_close(session=session)  # the room ends while the guest is cut off
    line.cut = False  # back: the server says the room has closed
    guest_page.get_by_text("The room is closed.").wait_for(timeout=45_000)
    guest_page.get_by_role("button", name="I need support").click()
    guest_page.get_by_text(
        "Could not be sent: the room has ended — the numbers above are always available."
    ).wait_for()
    assert guest_page.get_by_role("link", name="Samaritans").is_visible()


def test_leave_the_room_takes_you_out_and_the_others_see_it(asgi_server, page, guest_page, people):
    host, guest, session = people
    room_url = f"{asgi_server.url}/rooms/{session.code}/"
    _sign_in(page, asgi_server.url, host)
    page.goto(room_url)
    page.get_by_text("You are in the room.").wait_for()
    _sign_in(guest_page, asgi_server.url, guest)
    guest_page.goto(room_url)
    page.get_by_role("button", name="Let in Alex Guest").click()
    guest_page.get_by_text("You are in the room.").wait_for()
    page.get_by_role("button", name="Remove Alex Guest").wait_for()

    guest_page.get_by_role("button", name="Leave the room").click()
    guest_page.wait_for_url(f"{asgi_server.url}/sessions/{session.code}/")
    page.get_by_role("button", name="Remove Alex Guest").wait_for(state="detached")
