"""The live room with Redis (its channel layer) down: the page says it is
reconnecting instead of erroring, and comes back by itself when Redis does.
Redis here is one the test starts and stops itself."""

import pytest

from accounts.tests.factories import UserFactory
from core.tests.servers import RedisServer
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_room_says_it_is_reconnecting_while_redis_is_down_and_comes_back_after(
        asgi_server, page, settings, tmp_path):
    with RedisServer(tmp_path / "redis.log") as redis_server:
        # Sessions, cache and channel layer all on this Redis, as in production.
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                                               "CONFIG": {"hosts": [redis_server.url]}}}
        settings.CACHES = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": redis_server.url,
                                       "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        fresh_channel_layer()
        ensure_roles()
        guest = UserFactory(display_name="Alex Guest")
        session = GroupSessionFactory(group=PeerGroupFactory(lobby_enabled=False))
        BookingFactory(session=session, user=guest)
        sign_in(page, asgi_server.url, guest)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

        redis_server.stop()
        response = page.goto(f"{asgi_server.url}/rooms/{session.code}/")
        assert response.status == 200
        status = page.locator("[data-room-status]")
        status.filter(has_text="Reconnecting").wait_for(timeout=20_000)
        assert "The connection was lost" in status.text_content()
        assert page.get_by_role("heading", name="Sorry").count() == 0

        redis_server.start()
        page.get_by_text("You are in the room.").wait_for(timeout=45_000)
    fresh_channel_layer()
