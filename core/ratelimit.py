"""Fixed-window rate limits per person and action, counted in Django's cache.

In production the cache is Redis, so every web process shares one count; in
embedded mode it is the process's own memory, which is enough for one
process. allauth limits signing up and signing in itself; these limits are
for the actions people take once signed in (booking, applying, feedback), so
a script or a stuck key cannot flood facilitators' inboxes or the database.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts of `action` in each window of `seconds`."""

    action: str
    count: int
    seconds: int


# Generous enough that nobody using the pages by hand ever meets them.
BOOKING = Limit("booking", 30, 60)  # book, join a waiting list, cancel
APPLICATION = Limit("application", 10, 3600)  # apply to or withdraw from a closed group
FEEDBACK = Limit("feedback", 20, 3600)


def _cache_key(limit: Limit, who: str, window: int) -> str:
    return f"ratelimit:{limit.action}:{who}:{window}"


def ratelimit_hit(*, limit: Limit, who: str, now: float | None = None) -> bool:
    """Count one attempt; True while it is within the limit.

    `cache.add` starts the window's counter only if it is absent, and
    `cache.incr` is atomic in Redis, so concurrent requests never lose a count.
    """
    window = int((time.time() if now is None else now) // limit.seconds)
    key = _cache_key(limit, who, window)
    if cache.add(key, 1, timeout=limit.seconds):
        return 1 <= limit.count
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between add and incr: a new window
        cache.add(key, 1, timeout=limit.seconds)
        count = 1
    return count <= limit.count


def too_many(request: HttpRequest) -> HttpResponse:
    """The friendly "Too many attempts" page (also allauth's), status 429."""
    return render(request, "429.html", status=429)


def rate_limited(limit: Limit, *, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """View decorator: count each `methods` request by the signed-in person
    and answer 429 once they pass `limit`. Put it under `login_required`.
    Reading a page (GET) is not counted unless `methods` says so."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods and request.user.is_authenticated:
                if not ratelimit_hit(limit=limit, who=str(request.user.pk)):
                    return too_many(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
