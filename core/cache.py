"""The shared cache on Redis, tolerant of Redis being away.

Sessions are read from the cache and written through to the database
(`cached_db`), so a page needs the cache only to go faster. Django's
RedisCache raises on every call while Redis is down, and a signed-in page
answered 500. Here reads are misses and writes are skipped when Redis cannot
be reached, and after a failure Redis is not tried again for DOWN_FOR seconds,
so a page pays at most one short time-out.

Counting is different: `add` and `incr` are what rate limits (ours and
allauth's) and allauth's TOTP replay guard rely on, and a miss there would mean
"no limit". They raise `CacheUnavailable` instead, and
`core.middleware.CacheUnavailableMiddleware` answers the clear 503 page: the
action is refused, never let through uncounted.
"""

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("core.cache")

DOWN_FOR = 5.0  # seconds without trying Redis after a failure
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class CacheUnavailable(Exception):
    """The cache cannot count right now: refuse the action."""


# Until when each Redis (by location) is left alone, for the whole process:
# Django makes a cache object per thread, and under ASGI that is per request.
_down_until: dict[str, float] = {}


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = str(server)

    def _call(self, method, *args, fallback=None, strict=False, **kwargs):
        if time.monotonic() < _down_until.get(self._location, 0.0):
            if strict:
                raise CacheUnavailable("the cache is unreachable")
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE as error:
            if time.monotonic() >= _down_until.get(self._location, 0.0):
                logger.warning("cache unreachable, carrying on without it for %s s: %r", DOWN_FOR, error)
            _down_until[self._location] = time.monotonic() + DOWN_FOR
            if strict:
                raise CacheUnavailable("the cache is unreachable") from error
            return fallback

    # Reads miss, writes are skipped: the database behind stays the record.
    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version, fallback=default)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version, fallback={})

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version, fallback=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", key, value, timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version, fallback=list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version, fallback=False)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version, fallback=False)

    def delete_many(self, keys, version=None):
        self._call("delete_many", keys, version=version)

    # Counting fails closed.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version, strict=True)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version, strict=True)

    def clear(self):
        return self._call("clear", strict=True)
