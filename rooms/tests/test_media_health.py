"""/healthz reports the media servers when they are configured."""

import pytest

from core import health
from rooms.health import check_media_servers

pytestmark = pytest.mark.django_db


def test_a_reachable_janus_is_ok(sfu):
    check_media_servers()  # raises if not


def test_an_unreachable_janus_is_reported_and_only_degrades(sfu, settings, client, monkeypatch):
    settings.JANUS_URLS = [sfu.url, "ws://127.0.0.1:9"]
    with pytest.raises(Exception, match="1 of 2 media servers unreachable"):
        check_media_servers()
    monkeypatch.setitem(health.CHECKS, "media_server", check_media_servers)
    monkeypatch.setattr(health, "DEGRADING", health.DEGRADING | {"media_server"})
    body = client.get("/healthz").json()
    assert body["checks"]["media_server"] == "error: JanusUnavailable"
    assert body["status"] == "degraded"  # pages, chat, hands and support still work
