"""Two people in a live room, in two Chromium pages: the lobby, chat, a raised
hand, and a WebRTC call that really carries video (fake camera)."""

import pytest

from accounts.tests.factories import FacilitatorFactory, UserFactory
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles

pytestmark = pytest.mark.browser

CONNECTED = "() => window.roomDebug.connections().some((pc) => pc.connectionState === 'connected')"
FRAMES_DECODED = """async () => {
  let frames = 0;
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded || 0;
    });
  }
  return frames;
}"""


def _sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def people(asgi_server):
    ensure_roles()
    host = FacilitatorFactory(display_name="Sam Host")
    guest = UserFactory(display_name="Alex Guest")
    session = GroupSessionFactory(group=PeerGroupFactory(facilitated_by=[host]))
    BookingFactory(session=session, user=guest)
    return host, guest, session


def test_two_people_meet_chat_raise_a_hand_and_see_each_other(asgi_server, browser, page, people):
    host, guest, session = people
    room_url = f"{asgi_server.url}/rooms/{session.code}/"
    guest_context = browser.new_context(viewport={"width": 390, "height": 844})
    guest_context.set_default_timeout(15_000)
    guest_page = guest_context.new_page()
    try:
        _sign_in(page, asgi_server.url, host)
        page.goto(room_url)
        page.get_by_text("You are in the room.").wait_for()

        _sign_in(guest_page, asgi_server.url, guest)
        guest_page.goto(room_url)
        guest_page.get_by_role("heading", name="You are in the lobby").wait_for()

        page.get_by_role("button", name="Let in Alex Guest").click()
        guest_page.get_by_text("You are in the room.").wait_for()
        page.get_by_role("button", name="Send to lobby Alex Guest").wait_for()  # listed, with controls

        guest_page.get_by_label("Message").fill("Hello from the guest")
        guest_page.get_by_role("button", name="Send").click()
        page.locator("[role=log]").get_by_text("Hello from the guest").wait_for()
        guest_page.locator("[role=log]").get_by_text("Hello from the guest").wait_for()

        guest_page.get_by_role("button", name="Raise hand").click()
        page.locator("[data-room-hands]").get_by_text("Alex Guest").wait_for()
        assert guest_page.get_by_role("button", name="Lower hand").get_attribute("aria-pressed") == "true"

        for each in (page, guest_page):
            each.wait_for_function(CONNECTED, timeout=20_000)
            each.wait_for_function(f"({FRAMES_DECODED})().then((n) => n > 0)", timeout=20_000, polling=500)
            assert each.evaluate(FRAMES_DECODED) > 0
    finally:
        guest_context.close()


def test_the_support_button_shows_signposting(asgi_server, browser, page, people):
    host, guest, session = people
    _sign_in(page, asgi_server.url, guest)
    page.goto(f"{asgi_server.url}/rooms/{session.code}/")
    page.get_by_text("You are waiting in the lobby.").wait_for()
    page.get_by_role("button", name="I need support").click()
    page.get_by_text("A facilitator has been told, privately").wait_for()
    assert page.get_by_role("link", name="Samaritans").is_visible()
