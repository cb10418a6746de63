import pytest
from django.urls import reverse

from core import health


@pytest.mark.django_db
def test_healthz_is_200_when_every_service_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok", "mail": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("service", ["database", "cache", "channel_layer", "broker"])
def test_healthz_is_503_and_names_the_service_that_is_down(client, monkeypatch, service):
    def down():
        raise ConnectionError("refused")

    monkeypatch.setitem(health.CHECKS, service, down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][service] == "error: ConnectionError"
    # With the database down, components that read it are not tried (mail).
    skipped = health.DEGRADING if service == "database" else set()
    assert all(state == "ok" for name, state in body["checks"].items() if name != service and name not in skipped)
    assert all(body["checks"][name] == "error: DatabaseUnavailable" for name in skipped)


@pytest.mark.django_db
def test_healthz_reports_a_really_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("error")


def test_healthz_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405
