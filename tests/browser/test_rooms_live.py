"""Two people in a live room, in two Chromium pages: the lobby, chat, a raised
hand, and a WebRTC call that really carries video (fake camera)."""

import re
import time

import pytest

from accounts.tests.factories import FacilitatorFactory, UserFactory
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser.conftest import assert_accessible, sign_in, wait_until

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
    sign_in(page, base_url, user)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def people(asgi_server):
    fresh_channel_layer()  # the server thread's loop is new for every test
    ensure_roles()
    host = FacilitatorFactory(display_name="Sam Host")
    guest = UserFactory(display_name="Alex Guest")
    session = GroupSessionFactory(group=PeerGroupFactory(facilitators=[host]))
    BookingFactory(session=session, user=guest)
    yield host, guest, session
    fresh_channel_layer()  # leave none bound to this test's server loop


@pytest.fixture
def guest_page(browser):
    """A second person's page, on a phone-sized screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _host_lets_guest_in(server_url, page, guest_page, people, *, in_lobby=lambda guest_page: None):
    """The facilitator opens the room; the guest arrives in the lobby and is let in."""
    host, guest, session = people
    room_url = f"{server_url}/rooms/{session.code}/"
    _sign_in(page, server_url, host)
    page.goto(room_url)
    page.get_by_text("You are in the room.").wait_for()
    _sign_in(guest_page, server_url, guest)
    guest_page.goto(room_url)
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()
    in_lobby(guest_page)
    page.get_by_role("button", name="Let in Alex Guest").click()
    guest_page.get_by_text("You are in the room.").wait_for()


def test_two_people_meet_chat_raise_a_hand_and_see_each_other(asgi_server, page, guest_page, people):
    _host_lets_guest_in(asgi_server.url, page, guest_page, people, in_lobby=assert_accessible)
    page.get_by_role("button", name="Send to lobby Alex Guest").wait_for()  # listed, with controls

    guest_page.get_by_label("Message", exact=True).fill("Hello from the guest")
    guest_page.get_by_role("button", name="Send message").click()
    page.locator("[role=log]").get_by_text("Hello from the guest").wait_for()
    guest_page.locator("[role=log]").get_by_text("Hello from the guest").wait_for()

    guest_page.get_by_role("button", name="Raise hand").click()
    page.locator("[data-room-hands]").get_by_text("Alex Guest").wait_for()
    guest_page.get_by_role("button", name="Lower hand").wait_for()
    assert_accessible(page)  # the facilitator's page, with everything on it

    page.get_by_role("button", name="Mute Alex Guest").click()
    guest_page.get_by_role("button", name="Turn microphone on").wait_for()
    page.locator("[data-room-people]").get_by_text("microphone off").wait_for()  # the guest's client told the room

    for each in (page, guest_page):
        each.wait_for_function(CONNECTED, timeout=20_000)
        wait_until(each, f"({FRAMES_DECODED})().then((n) => n > 0)", timeout=20_000, polling=500)
        assert each.evaluate(FRAMES_DECODED) > 0


def test_the_support_button_shows_signposting(asgi_server, browser, page, people):
    host, guest, session = people
    _sign_in(page, asgi_server.url, guest)
    page.goto(f"{asgi_server.url}/rooms/{session.code}/")
    page.get_by_text("You are waiting in the lobby.").wait_for()
    page.get_by_role("button", name="I need support").click()
    page.get_by_role("heading", name="Need help now?").wait_for()
    assert page.get_by_role("link", name="Samaritans").is_visible()
    # Nobody facilitating is connected, and the page says so rather than pretend.
    page.get_by_text("No facilitator is in the room right now, so nobody has been told").wait_for()


def _restart(asgi_server):
    """Stop the ASGI server and start a new one on the same port, as a deploy
    or a crash would: every WebSocket drops."""
    import threading

    import uvicorn

    from wellbeing.asgi import application

    asgi_server.stop()
    config = uvicorn.Config(application, host="127.0.0.1", port=asgi_server.port, log_level="warning", lifespan="off")
    asgi_server.server = uvicorn.Server(config)
    asgi_server.thread = threading.Thread(target=asgi_server.server.run, daemon=True)
    asgi_server.start()


def test_after_a_server_restart_everyone_comes_back_to_the_room(asgi_server, page, guest_page, people):
    _host_lets_guest_in(asgi_server.url, page, guest_page, people)
    _restart(asgi_server)
    for each in (guest_page, page):
        # Both reconnect by themselves (a second socket is open) and are
        # still admitted, not sent back to the lobby.
        each.wait_for_function("() => window.roomDebug.opened() >= 2", timeout=45_000)
        each.get_by_text("You are in the room.").wait_for()

    page.get_by_label("Message", exact=True).fill("Welcome back")
    page.get_by_role("button", name="Send message").click()
    guest_page.locator("[role=log]").get_by_text("Welcome back").wait_for()


def test_a_support_alert_seen_by_one_facilitator_goes_for_all(asgi_server, browser, page, guest_page, people):
    host, guest, session = people
    co_host = FacilitatorFactory(display_name="Kim Cohost")
    session.group.facilitators.add(co_host)
    session.group.lobby_enabled = False
    session.group.save()
    co_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        room_url = f"{asgi_server.url}/rooms/{session.code}/"
        for each, user in ((page, host), (co_page, co_host), (guest_page, guest)):
            _sign_in(each, asgi_server.url, user)
            each.goto(room_url)
            each.get_by_text("You are in the room.").wait_for()
        guest_page.get_by_role("button", name="I need support").click()
        for each in (page, co_page):
            each.get_by_text(re.compile(r"^Alex Guest .*asked for support at")).wait_for()
        assert_accessible(page)
        # By keyboard: the button takes focus and Enter presses it.
        button = page.get_by_role("button", name=re.compile(r"^Seen — I'll follow up \(Alex Guest"))
        button.focus()
        page.keyboard.press("Enter")
        for each in (page, co_page):
            each.get_by_text(re.compile(r"^Alex Guest .*asked for support at")).wait_for(state="detached")
            taken = re.compile(r"^Sam Host .*has seen the request from Alex Guest .*will follow it up\.$")
            each.get_by_text(taken).wait_for()
        # The keyboard stays in the controls, not lost at the top of the page.
        assert page.evaluate("document.activeElement.id") == "facilitator-heading"
        assert_accessible(co_page)
        assert guest_page.get_by_text("will follow it up").count() == 0  # only facilitators hear of it
    finally:
        co_page.context.close()


AUDIO_BYTES = """async () => {
  let bytes = 0;
  for (const pc of window.roomDebug.connections()) {
    (await pc.getStats()).forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "audio") bytes += report.bytesReceived || 0;
    });
  }
  return bytes;
}"""


def _still(page, script, seconds=1.5) -> tuple[int, int]:
    """A count read twice, `seconds` apart."""
    first = page.evaluate(script)
    time.sleep(seconds)
    return first, page.evaluate(script)


def test_on_the_mesh_audio_only_pauses_video_both_ways_and_the_camera_turns_off(
        asgi_server, page, guest_page, people):
    _host_lets_guest_in(asgi_server.url, page, guest_page, people)
    for each in (page, guest_page):
        wait_until(each, f"({FRAMES_DECODED})().then((n) => n > 0)", timeout=20_000, polling=500)
    guest_page.get_by_role("button", name="Audio only (for a weak connection)").click()
    guest_page.get_by_text("Audio only: you hear everyone").wait_for()
    assert guest_page.get_by_role("button", name="Audio only (for a weak connection)").get_attribute(
        "aria-pressed") == "true"
    time.sleep(1)  # the change offered and answered on the one connection
    for each in (page, guest_page):
        before, after = _still(each, FRAMES_DECODED)
        assert after == before, "video still arrives"
        before, after = _still(each, AUDIO_BYTES, 1)
        assert after > before, "sound stopped too"
    assert_accessible(guest_page)
    guest_page.get_by_role("button", name="Audio only (for a weak connection)").click()
    for each in (page, guest_page):
        frames = each.evaluate(FRAMES_DECODED)
        wait_until(each, f"({FRAMES_DECODED})().then((n) => n > {frames} + 10)", timeout=15_000, polling=250)
    page.get_by_role("button", name="Turn camera off").click()
    assert page.get_by_role("button", name="Turn camera on").get_attribute("aria-pressed") == "true"
    guest_page.locator("[data-room-people]").get_by_text("camera off").wait_for()
    assert page.evaluate("() => window.roomDebug.connections()[0].getSenders()"
                         ".filter((s) => s.track && s.track.kind === 'video').every((s) => !s.track.enabled)")
