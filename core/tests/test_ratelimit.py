"""The fixed-window limiter: counts per person and action, resets each window."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from core.ratelimit import APPLICATION, BOOKING, FEEDBACK, Limit, rate_limited, ratelimit_hit

THREE_A_MINUTE = Limit("test", 3, 60)
NOON = 1_800_000_000.0  # a fixed moment, on a window boundary (divisible by 60)


def test_it_allows_up_to_the_limit_then_refuses():
    results = [ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON + i) for i in range(5)]
    assert results == [True, True, True, False, False]


def test_a_new_window_starts_the_count_again():
    for _ in range(4):
        ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON)
    assert not ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON + 59)
    assert ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON + 60)


def test_people_are_counted_separately():
    for _ in range(3):
        ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON)
    assert not ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON)
    assert ratelimit_hit(limit=THREE_A_MINUTE, who="2", now=NOON)


def test_actions_are_counted_separately():
    other = Limit("other", 3, 60)
    for _ in range(3):
        ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON)
    assert ratelimit_hit(limit=other, who="1", now=NOON)


def test_a_counter_that_expires_between_add_and_incr_starts_a_new_window(monkeypatch):
    def incr_of_a_vanished_key(key, delta=1):
        raise ValueError("Key not found")

    ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON)  # the key exists: the next hit goes to incr
    monkeypatch.setattr(cache, "incr", incr_of_a_vanished_key)
    assert ratelimit_hit(limit=THREE_A_MINUTE, who="1", now=NOON)


def test_the_counter_lives_in_the_shared_cache():
    ratelimit_hit(limit=THREE_A_MINUTE, who="7", now=NOON)
    ratelimit_hit(limit=THREE_A_MINUTE, who="7", now=NOON)
    assert cache.get(f"ratelimit:test:7:{int(NOON // 60)}") == 2


def test_the_products_limits_leave_room_for_real_use():
    assert BOOKING.count >= 30
    assert BOOKING.seconds <= 60
    assert APPLICATION.count >= 10
    assert APPLICATION.seconds <= 3600
    assert FEEDBACK.count >= 20
    assert FEEDBACK.seconds <= 3600


@pytest.fixture
def view():
    @rate_limited(Limit("view", 2, 3600))
    def a_view(request):
        return HttpResponse("done")

    return a_view


def _request(method: str, user):
    """A request as the middleware leaves it: the 429 page extends base.html,
    whose context needs the session and messages."""
    request = getattr(RequestFactory(), method.lower())("/somewhere/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = user
    return request


def test_the_decorator_answers_429_with_the_friendly_page(view, practitioner):
    assert [view(_request("POST", practitioner)).status_code for _ in range(2)] == [200, 200]
    response = view(_request("POST", practitioner))
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


def test_the_decorator_does_not_count_reading_a_page(view, practitioner):
    for _ in range(5):
        assert view(_request("GET", practitioner)).status_code == 200
    assert view(_request("POST", practitioner)).status_code == 200


def test_the_decorator_leaves_anonymous_requests_to_login_required(view):
    for _ in range(5):
        assert view(_request("POST", AnonymousUser())).status_code == 200
