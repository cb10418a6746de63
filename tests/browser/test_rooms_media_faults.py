"""Faults on the media path in real Chromium pages (fake camera), with real
Janus and coturn servers: the media server killed and started again, a
TURN credential running out, a network change. Each time the page
recovers by itself, without reloading, and frames flow again."""

import secrets

import pytest
from django.core.cache import cache

from accounts.tests.factories import FacilitatorFactory, UserFactory
from rooms.tests import media_servers
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser import test_rooms_sfu as sfu_pages

pytestmark = pytest.mark.browser
spare_janus, turn_server = media_servers.spare_janus, media_servers.turn_server
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
