"""Only the site's own pages may open a room socket: scheme, host and port
are compared with SITE_URL and CSRF_TRUSTED_ORIGINS (and, in DEBUG, the
connection's own Host) by wellbeing/origins.py."""

import pytest

from wellbeing.origins import is_site_origin


def scope(host: str | None = None, scheme: str = "ws") -> dict:
    return {"type": "websocket", "scheme": scheme, "headers": [(b"host", host.encode())] if host else []}


@pytest.fixture
def site(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://peersupport.example.nhs.uk"
    settings.CSRF_TRUSTED_ORIGINS = ["https://staff.trust.nhs.uk:8443", "https://*.wellbeing.nhs.uk"]
    settings.ALLOWED_HOSTS = ["peersupport.example.nhs.uk", "127.0.0.1", "localhost"]
    return settings


@pytest.mark.parametrize("origin", [
    "https://peersupport.example.nhs.uk",
    "https://peersupport.example.nhs.uk:443",  # the default port, spelt out
    "https://PeerSupport.Example.nhs.uk",
    "https://staff.trust.nhs.uk:8443",
    "https://wellbeing.nhs.uk",
    "https://north.wellbeing.nhs.uk",
])
def test_the_sites_own_origins_are_accepted(site, origin):
    assert is_site_origin(origin, scope("peersupport.example.nhs.uk"))


@pytest.mark.parametrize("origin", [
    "https://peersupport.example.nhs.uk:8443",  # another port on the same host
    "http://peersupport.example.nhs.uk",  # another scheme
    "https://staff.trust.nhs.uk",  # a trusted host on its default port, not the trusted one
    "https://evil.example",
    "https://peersupport.example.nhs.uk.evil.example",
    "https://wellbeing.nhs.uk.evil.example",
    "https://peersupport.example.nhs.uk/path",
    "null",
    "",
    "peersupport.example.nhs.uk",
    "https://peersupport.example.nhs.uk:99999",
    "ws://peersupport.example.nhs.uk",
    None,
])
def test_other_origins_are_refused(site, origin):
    assert not is_site_origin(origin, scope("peersupport.example.nhs.uk"))


def test_in_debug_a_page_of_this_very_server_may_connect_on_any_port(site):
    site.DEBUG = True
    assert is_site_origin("http://127.0.0.1:8100", scope("127.0.0.1:8100"))
    assert not is_site_origin("http://127.0.0.1:9999", scope("127.0.0.1:8100"))
    assert not is_site_origin("https://127.0.0.1:8100", scope("127.0.0.1:8100"))


def test_in_debug_the_host_must_still_be_allowed(site):
    site.DEBUG = True  # a rebound DNS name pointing at this server is not the site
    assert not is_site_origin("http://rebound.example:8100", scope("rebound.example:8100"))


def test_out_of_debug_the_host_header_proves_nothing(site):
    assert not is_site_origin("http://127.0.0.1:8100", scope("127.0.0.1:8100"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_page_on_another_port_of_the_sites_host_cannot_open_a_room(sockets, room_session, member, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    await sockets.open(room_session, user=member, origin=b"http://127.0.0.1:9999")
    assert sockets.last_connected is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_sites_own_page_can_open_a_room(sockets, room_session, member, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    communicator = await sockets.open(room_session, user=member, origin=b"http://127.0.0.1:8000")
    assert sockets.last_connected is True
    assert (await communicator.receive_json_from(timeout=3))["type"] == "state"
