"""Video through a real Janus server in real Chromium pages (fake camera):
every stream is signalled over the room's socket, and frames are counted
from getStats() on the receiving side."""

import time

import pytest

from accounts.tests.factories import FacilitatorFactory, UserFactory
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests import media_servers
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser
janus_server, sfu, turn_server = media_servers.janus_server, media_servers.sfu, media_servers.turn_server

# Video streams received with decoded frames, one number per received video m-line.
DECODED = """async () => {
  const counts = [];
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") counts.push(report.framesDecoded || 0);
    });
  }
  return counts;
}"""
RELAYED = """async () => {
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((report) => { if (report.type === "transport" && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId); });
    if (!pair) return false;
    const local = stats.get(pair.localCandidateId);
    if (!local || local.candidateType !== "relay") return false;
  }
  return window.roomDebug.connections().length > 0;
}"""


def _videos_flowing(page, count: int, timeout: int = 30_000):
    page.wait_for_function(f"({DECODED})().then((c) => c.filter((n) => n > 0).length >= {count})",
                           timeout=timeout, polling=500)


def _decoded_total(page) -> int:
    return sum(page.evaluate(DECODED))


@pytest.fixture
def contexts(browser):
    opened = []

    def new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        opened.append(context)
        page = context.new_page()
        page.on("console", lambda msg: print("CONSOLE", msg.type, msg.text))
        page.on("pageerror", lambda error: print("PAGEERROR", error))
        return page

    yield new_page
    for context in opened:
        context.close()


def _enter(page, server_url, user, session):
    sign_in(page, server_url, user)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{server_url}/rooms/{session.code}/")
    page.get_by_text("You are in the room.").wait_for()


@pytest.fixture
def circle(asgi_server, sfu):
    fresh_channel_layer()
    ensure_roles()
    host = FacilitatorFactory(display_name="Sam Host")
    group = PeerGroupFactory(facilitators=[host], lobby_enabled=False, capacity=10)
    session = GroupSessionFactory(group=group)
    guests = [UserFactory(display_name=name) for name in ("Alex Guest", "Jo Guest")]
    for guest in guests:
        BookingFactory(session=session, user=guest)
    yield session, host, guests
    fresh_channel_layer()


def test_a_circle_of_three_see_each_other_through_the_media_server(asgi_server, circle, contexts):
    session, host, guests = circle
    pages = []
    for user in (host, *guests):
        page = contexts()
        _enter(page, asgi_server.url, user, session)
        pages.append(page)
    for page in pages:
        _videos_flowing(page, 2)
    figure = pages[0].locator("[data-room-videos] figure").first
    assert figure.bounding_box()["width"] >= 260  # the gallery uses the width it has
    assert_accessible(pages[0])
    # A camera turned off is a button state screen readers hear.
    pages[1].get_by_role("button", name="Turn camera off").click()
    assert pages[1].get_by_role("button", name="Turn camera on").get_attribute("aria-pressed") == "true"


def test_someone_sent_to_the_lobby_stops_receiving_within_two_seconds(asgi_server, circle, contexts, settings):
    session, host, guests = circle
    session.group.lobby_enabled = True
    session.group.save()
    host_page = contexts()
    _enter(host_page, asgi_server.url, host, session)
    guest_page = contexts()
    sign_in(guest_page, asgi_server.url, guests[0])
    guest_page.goto(f"{asgi_server.url}/rooms/{session.code}/")
    host_page.get_by_role("button", name="Let in Alex Guest").click()
    guest_page.get_by_text("You are in the room.").wait_for()
    _videos_flowing(guest_page, 1)
    _videos_flowing(host_page, 1)
    host_page.get_by_role("button", name="Send to lobby Alex Guest").click()
    started = time.monotonic()
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()
    # Nothing more arrives: its receiving connection is closed, and the host no longer receives the guest.
    host_page.wait_for_function(f"({DECODED})().then((c) => c.length === 0)", timeout=2_000, polling=100)
    assert time.monotonic() - started < 2.5
    assert guest_page.evaluate("window.roomDebug.connections().length") == 0
    before = _decoded_total(guest_page)
    time.sleep(1)
    assert _decoded_total(guest_page) == before == 0
