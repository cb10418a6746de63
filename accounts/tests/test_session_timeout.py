import time

import pytest
from django.urls import reverse


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_idle_too_long_is_signed_out_with_an_explanation(client, practitioner, settings):
    client.force_login(practitioner)
    client.get(reverse("home"))
    _age_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get(reverse("accounts:profile"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_login") + "?next=/profile/")
    assert "without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_past_its_absolute_limit_is_signed_out(client, practitioner, settings):
    client.force_login(practitioner)
    client.get(reverse("home"))
    _age_session(client, started_at=settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600 + 5, last_seen=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_alive(client, practitioner, settings):
    client.force_login(practitioner)
    client.get(reverse("home"))
    _age_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 30)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session["last_seen"] < 5


def test_stay_signed_in_extends_the_session(client, practitioner, settings):
    client.force_login(practitioner)
    client.get(reverse("home"))
    _age_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 30)
    response = client.post(reverse("accounts:session_extend"), HTTP_ACCEPT="application/json")
    assert response.json()["seconds_left"] > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5


def test_stay_signed_in_without_javascript_returns_to_the_page(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("accounts:session_extend"), {"next": "/profile/"})
    assert response.url == "/profile/"


def test_stay_signed_in_rejects_get(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("accounts:session_extend")).status_code == 405


def test_stay_signed_in_needs_sign_in(client, db):
    response = client.post(reverse("accounts:session_extend"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_signed_in_pages_carry_the_warning_dialog(client, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("home")).content.decode()
    assert 'id="session-timeout"' in page
    assert "data-session-seconds-left=" in page


@pytest.mark.django_db
def test_people_can_list_their_signed_in_browsers(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("usersessions_list")).status_code == 200
