"""The Django admin signs in through allauth: a password alone never opens
it, wrong passwords are rate limited, and staff must use two-factor
authentication like facilitators."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from accounts.tests.factories import UserFactory, current_totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def superuser():
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())
    return user


def _sign_in_from_admin(client, email, password):
    """Open the admin's sign-in, follow it to allauth's, and post there."""
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    login_url = response.url
    assert login_url.startswith(reverse("account_login"))
    return client.post(login_url, {"login": email, "password": password})


def test_the_admin_sign_in_page_hands_over_to_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_posting_a_password_to_the_admin_sign_in_signs_nobody_in(client, superuser):
    response = client.post(reverse("admin:login"), {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_with_a_password_alone_cannot_reach_the_admin(client, superuser):
    response = _sign_in_from_admin(client, superuser.email, PASSWORD)
    assert response.url.startswith(reverse("mfa_authenticate"))
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_a_superuser_reaches_the_admin_after_the_two_factor_step(client, superuser):
    _sign_in_from_admin(client, superuser.email, PASSWORD)
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(superuser)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}])
def test_staff_without_two_factor_are_sent_to_set_it_up(client, flags):
    user = UserFactory(**flags)
    assert not Authenticator.objects.filter(user=user).exists()
    response = _sign_in_from_admin(client, user.email, PASSWORD)
    assert response.status_code == 302
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")


def test_repeated_wrong_passwords_at_the_admin_sign_in_are_refused(client, superuser):
    refused_at = None
    for attempt in range(1, 31):
        response = _sign_in_from_admin(client, superuser.email, "wrong-password-123")
        if response.status_code == 429 or "Too many failed login attempts" in response.content.decode():
            refused_at = attempt
            break
    assert refused_at is not None
    assert refused_at <= 10
    # Refused even with the right password now: the counter is per account too.
    response = _sign_in_from_admin(client, superuser.email, PASSWORD)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
