"""Signing out at the provider too (OIDC_<ID>_SIGN_OUT_AT_PROVIDER,
RP-initiated logout), against the real provider on loopback: on a shared
computer the next person must not find the last one still signed in there."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.oidc import SIGN_OUT_SESSION_KEY
from accounts.tests.factories import UserFactory
from accounts.tests.test_oidc_sign_in import sign_in, signed_in_user
from tests.oidc_provider import app_settings_for, providers_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_out(idp, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(idp, sign_out_at_provider=True))
    settings.SITE_URL = "https://peer-support.example"
    return idp


def test_signing_out_ends_the_session_at_the_provider_and_comes_back(client, signing_out):
    signing_out.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    response = client.post(reverse("account_logout"))
    assert signed_in_user(client) is None  # ours has ended whatever the provider does
    assert response.status_code == 302
    address = urlsplit(response["Location"])
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{signing_out.issuer}/logout"
    query = parse_qs(address.query)
    assert query["post_logout_redirect_uri"] == ["https://peer-support.example/"]
    assert query["client_id"] == [signing_out.client.client_id]
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302  # the provider accepted the hint as its own ID token for Ann
    assert back.headers["Location"] == "https://peer-support.example/"
    assert signing_out.sign_outs == [{"sub": "ann-sub", "back": "https://peer-support.example/",
                                      "client_id": signing_out.client.client_id}]


def test_the_id_token_is_kept_in_the_session_only_never_on_the_account(client, signing_out):
    signing_out.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    assert client.session[SIGN_OUT_SESSION_KEY]["id_token"].count(".") == 2
    assert "ey" not in str(SocialAccount.objects.get().extra_data)  # no raw token stored with the link


def test_off_by_default_signing_out_stays_on_our_site(client, idp, settings):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    response = client.post(reverse("account_logout"))
    assert response["Location"] == "/"
    assert SIGN_OUT_SESSION_KEY not in client.session


def test_a_password_sign_in_afterwards_in_the_same_browser_is_not_sent_there(client, signing_out):
    signing_out.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    assert client.post(reverse("account_logout"))["Location"].startswith(signing_out.issuer)
    other = UserFactory()
    client.post(reverse("account_login"), {"login": other.email, "password": "correct-horse-battery"})
    assert signed_in_user(client) == other
    assert SIGN_OUT_SESSION_KEY not in client.session
    assert client.post(reverse("account_logout"))["Location"] == "/"


def test_a_refused_provider_sign_in_leaves_nothing_to_sign_out_with(client, signing_out):
    signing_out.person_add("ann-sub", email="ann@nhs.net", email_verified=False)  # refused: unverified
    sign_in(client, "ann-sub")
    assert client.session.get(SESSION_KEY) is None
    assert SIGN_OUT_SESSION_KEY not in client.session
