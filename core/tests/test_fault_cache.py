"""Redis down: signed-in pages keep working on the database (sessions are
cached, not kept, in Redis), and what must be counted is refused with a clear
page rather than let through without a limit. A real server process against a
Redis the test starts and stops itself."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from core import cache as tolerant
from core.cache import CacheUnavailable, TolerantRedisCache
from core.tests.servers import RedisServer, SilentServer, WebServer, free_port
from groups.tests.factories import GroupSessionFactory
from notifications.tests.workers import database_url
from rooms.tests.support import session_cookie


class Browser:
    """Cookies kept between requests, like a browser's, against one server."""

    def __init__(self, web: WebServer, cookies: dict[str, str] | None = None):
        self.web = web
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        for name, value in (cookies or {}).items():
            self.jar.set_cookie(http.cookiejar.Cookie(
                0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None,
                {}))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str, float]:
        """(status, body, final path, seconds)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.web.url + path, data=body)  # noqa: S310 (our loopback server)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text, url = response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            status, text, url = error.code, error.read().decode(), error.url
        return status, text, urllib.parse.urlparse(url).path, time.monotonic() - started

    def csrf_token(self, path: str) -> str:
        _, page, _, _ = self.request(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_signed_in_pages_work_and_sign_in_and_booking_are_refused_clearly(
        practitioner, tmp_path, static_root):
    session = GroupSessionFactory()
    with RedisServer(tmp_path / "redis.log") as redis_server:
        env = {"REDIS_URL": redis_server.url, "DATABASE_URL": database_url(), "SECRET_KEY": settings.SECRET_KEY}
        with WebServer(env=env, log=tmp_path / "web.log", static_root=static_root) as web:
            member = Browser(web, {"sessionid": session_cookie(practitioner)})
            assert member.request("/my-sessions/")[:3:2] == (200, "/my-sessions/")
            book_token = member.csrf_token(f"/sessions/{session.code}/")
            visitor = Browser(web)
            login_token = visitor.csrf_token("/accounts/login/")

            redis_server.stop()

            pages = [member.request("/my-sessions/") for _ in range(5)]
            login = visitor.request("/accounts/login/", {"csrfmiddlewaretoken": login_token,
                                                         "login": practitioner.email, "password": "wrong-password"})
            booking = member.request(f"/sessions/{session.code}/book/", {"csrfmiddlewaretoken": book_token})
            from signups.models import Booking
            booked = Booking.objects.filter(session=session).exists()
    assert [(status, path) for status, _, path, _ in pages] == [(200, "/my-sessions/")] * 5
    assert max(seconds for *_, seconds in pages) < 1, [round(seconds, 2) for *_, seconds in pages]
    assert login[0] == 503
    assert "Sorry, we cannot do that just now" in login[1]
    assert booking[0] == 503
    assert "Sorry, we cannot do that just now" in booking[1]
    assert not booked, "nothing was booked uncounted"


def _cache_at(port: int) -> TolerantRedisCache:
    return TolerantRedisCache(f"redis://127.0.0.1:{port}/0",
                              {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_the_cache_treats_an_unreachable_redis_as_a_miss_quickly_and_refuses_to_count(kind):
    silent = SilentServer().__enter__() if kind == "silent" else None
    try:
        cache = _cache_at(silent.port if silent else free_port())
        started = time.monotonic()
        assert cache.get("k", "default") == "default"
        cache.set("k", "v")
        assert cache.delete("k") is False
        assert cache.get_many(["a", "b"]) == {}
        assert "k" not in cache
        seconds = time.monotonic() - started
        with pytest.raises(CacheUnavailable):
            cache.add("counter", 1)
        with pytest.raises(CacheUnavailable):
            cache.incr("counter")
    finally:
        if silent:
            silent.__exit__()
    assert seconds < 1, f"five calls took {seconds:.2f} s: at most one waits for the time-out"


def test_after_a_failure_no_cache_object_in_the_process_waits_for_redis_again_for_a_while():
    with SilentServer() as silent:
        first, second = _cache_at(silent.port), _cache_at(silent.port)  # as two request threads have
        assert first.get("k") is None
        started = time.monotonic()
        assert second.get("k") is None
        assert time.monotonic() - started < 0.1


def test_the_cache_tries_redis_again_once_it_is_back(tmp_path, monkeypatch):
    monkeypatch.setattr(tolerant, "DOWN_FOR", 0.2)
    redis_server = RedisServer(tmp_path / "redis.log")
    cache = TolerantRedisCache(redis_server.url, {})
    assert cache.get("k") is None  # not started: a miss
    with redis_server:
        time.sleep(0.3)
        cache.set("k", "v")
        assert cache.get("k") == "v"
        assert cache.add("counter", 1) is True
        assert cache.incr("counter") == 2
