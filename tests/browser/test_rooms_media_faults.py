"""Faults on the media path in real Chromium pages (fake camera), with real
Janus and coturn servers: the media server killed and started again, a
TURN credential running out, a network change. Each time the page
recovers by itself, without reloading, and frames flow again."""

import secrets
import time

import pytest
from django.core.cache import cache

from accounts.tests.factories import FacilitatorFactory, UserFactory
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser import test_rooms_sfu as sfu_pages
from tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser
contexts = sfu_pages.contexts
_enter, _videos_flowing, DECODED = sfu_pages._enter, sfu_pages._videos_flowing, sfu_pages.DECODED
RECONNECTING = "Video is reconnecting. Chat, hands and support carry on."


@pytest.fixture
def own_janus(spare_janus, settings):
    """A Janus server of this test's own, which it may kill."""
    janus = spare_janus(0, api_secret=secrets.token_hex(16), admin_key=secrets.token_hex(16))
    settings.JANUS_URLS = [janus.url]
    settings.JANUS_API_SECRET, settings.JANUS_ADMIN_KEY = janus.api_secret, janus.admin_key
    cache.clear()
    yield janus
    cache.clear()


@pytest.fixture
def pair(asgi_server, own_janus):
    """A facilitator and a member of a circle, both in the room with video."""
    fresh_channel_layer()
    ensure_roles()
    host = FacilitatorFactory(display_name="Sam Host")
    session = GroupSessionFactory(group=PeerGroupFactory(facilitators=[host], lobby_enabled=False, capacity=10))
    guest = UserFactory(display_name="Alex Guest")
    BookingFactory(session=session, user=guest)
    yield session, host, guest
    fresh_channel_layer()


def _open(contexts, asgi_server, pair):
    session, host, guest = pair
    pages = []
    for user in (host, guest):
        page = contexts()
        _enter(page, asgi_server.url, user, session)
        pages.append(page)
    for page in pages:
        _videos_flowing(page, 1)
        page.evaluate("() => { window.notReloaded = true; }")
    return pages


def _same_page_and_socket(page) -> bool:
    return page.evaluate("() => window.notReloaded === true && window.roomDebug.opened() === 1")


def test_video_comes_back_by_itself_after_the_media_server_restarts(asgi_server, pair, own_janus, contexts):
    pages = _open(contexts, asgi_server, pair)
    own_janus.kill()
    for page in pages:
        page.get_by_text(RECONNECTING).wait_for(timeout=10_000)
        assert page.evaluate("() => window.roomDebug.connections().length") == 0
    pages[1].get_by_role("textbox", name="Message").fill("can you hear me")
    pages[1].get_by_role("button", name="Send message").click()
    pages[0].get_by_text("can you hear me").wait_for()  # chat carries on
    own_janus.start()
    for page in pages:
        _videos_flowing(page, 1, timeout=30_000)  # re-published and re-subscribed
        page.get_by_text(RECONNECTING).wait_for(state="hidden")
        assert _same_page_and_socket(page)


# Each connection's ICE username fragment (new after an ICE restart), its
# TURN credential now, its state, and the candidate type of the pair it uses.
ICE_STATE = """async () => {
  const states = [];
  for (const pc of window.roomDebug.connections()) {
    const turn = pc.getConfiguration().iceServers.find((server) => server.username) || {};
    const stats = await pc.getStats();
    let selected = null;
    stats.forEach((report) => {
      if (report.type === "transport" && report.selectedCandidatePairId) {
        const pair = stats.get(report.selectedCandidatePairId);
        selected = pair ? stats.get(pair.localCandidateId).candidateType : null;
      }
    });
    states.push({
      ufrag: ((pc.localDescription?.sdp || "").match(/a=ice-ufrag:(\\S+)/) || [])[1],
      username: turn.username, credential: turn.credential, state: pc.connectionState, selected,
    });
  }
  return states;
}"""


def test_turn_credentials_are_renewed_over_the_socket_and_a_network_change_restarts_ice(
        asgi_server, pair, contexts, turn_server, settings):
    settings.TURN_SECRET, settings.TURN_URLS = turn_server.secret, turn_server.urls
    settings.ROOM_ICE_TRANSPORT_POLICY = "relay"  # media only through coturn, with minted credentials
    settings.TURN_TTL_SECONDS = 12
    pages = _open(contexts, asgi_server, pair)
    for page in pages:
        wait_until(page, f"""() => ({ICE_STATE})().then((states) => states.length === 2
            && states.every((s) => s.state === "connected" && s.selected === "relay"))""", timeout=15_000, polling=250)
    first = [page.evaluate(ICE_STATE) for page in pages]
    username, credential = first[0][0]["username"], first[0][0]["credential"]
    expiry = int(username.split(":")[0])
    time.sleep(max(0.0, expiry - time.time() + 1.5))
    # Past its expiry coturn refuses the first credential; the pages asked
    # for fresh ones over the socket before it ran out.
    assert pages[0].evaluate(sfu_pages.EXPIRED_REFUSED, [turn_server.urls, username, credential]) == 0
    for page in pages:
        renewed = page.evaluate(ICE_STATE)
        assert all(int(state["username"].split(":")[0]) > time.time() for state in renewed), renewed
    before = [sum(page.evaluate(DECODED)) for page in pages]
    # A network change: the browser says it is online again; both
    # connections restart ICE, allocating relays with the fresh credential.
    for page in pages:
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
    for page, old in zip(pages, first, strict=True):
        old_ufrags = {state["ufrag"] for state in old}
        wait_until(page,
            f"""() => ({ICE_STATE})().then((states) => states.length === {len(old)} && states.every((s) =>
                 s.ufrag && !{sorted(old_ufrags)}.includes(s.ufrag)
                 && s.state === "connected" && s.selected === "relay"))""",
            timeout=20_000, polling=250)
    for page, count in zip(pages, before, strict=True):
        wait_until(page, f"() => ({DECODED})().then((c) => c.reduce((a, b) => a + b, 0) > {count} + 30)",
                               timeout=10_000, polling=250)
        assert _same_page_and_socket(page)
