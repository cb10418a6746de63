"""Signing in with an NHS identity provider, against a real OpenID Connect
provider on loopback (tests/oidc_provider.py): discovery, the authorization
code flow with PKCE and a nonce, the token endpoint, JWKS and userinfo over
HTTP. Nothing on our side is patched."""

import logging
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import FacilitatorFactory, UserFactory
from tests.oidc_provider import app_settings_for, providers_setting

LOGIN = reverse("openid_connect_login", kwargs={"provider_id": "nhsmail"})


def start(client, process: str = "login") -> str:
    """Press "Sign in with NHSmail": the provider's authorization address."""
    response = client.post(LOGIN, {"process": process})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in_at_provider(authorize_url: str, sub: str, action: str = "sign-in") -> str:
    """The person signs in at the provider: where it sends them back to."""
    response = requests.post(authorize_url, data={"sub": sub, "action": action}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(urlunsplit(("", "", parts.path, parts.query, "")))


def sign_in(client, sub: str, process: str = "login"):
    return come_back(client, sign_in_at_provider(start(client, process), sub))


def signed_in_user(client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def assert_refused(response, status: int, *, users_before: int) -> None:
    assert response.status_code == status
    assert b"nhsuk-error-summary" in response.content or status == 409
    assert User.objects.count() == users_before
    assert SocialAccount.objects.count() == 0


# --- a new person -------------------------------------------------------------------


def test_a_new_person_signs_in_and_goes_to_onboarding(client, idp, db):
    idp.person_add("ann-sub", email="Ann.Other@nhs.net", email_verified=True, name="Ann Other")
    response = sign_in(client, "ann-sub")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert user.email == "ann.other@nhs.net"
    assert not user.is_onboarded
    assert user.display_name == ""  # chosen by the person, never their real name
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("nhsmail", "ann-sub")
    assert "name" not in str(account.extra_data)  # only the claims our rules read are kept
    # Home sends a new person to onboarding, as after any sign-up.
    home = client.get(response.url)
    assert home.status_code == 302
    assert home.url.startswith(reverse("accounts:onboarding"))


def test_the_request_carries_pkce_and_a_nonce_and_the_flow_uses_them(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    authorize_url = start(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"]
    assert len(query["nonce"][0]) >= 32
    assert query["response_type"] == ["code"]
    assert "openid" in query["scope"][0].split()
    come_back(client, sign_in_at_provider(authorize_url, "ann-sub"))
    assert signed_in_user(client) is not None
    assert idp.token_requests >= 1


def test_the_next_sign_in_uses_the_linked_account(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    first = signed_in_user(client)
    client.post(reverse("account_logout"))
    sign_in(client, "ann-sub")
    assert signed_in_user(client) == first
    assert User.objects.count() == 1


# --- bad input ------------------------------------------------------------------------


def test_an_unverified_email_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=False)
    assert_refused(sign_in(client, "ann-sub"), 403, users_before=0)
    assert signed_in_user(client) is None


def test_a_missing_verification_claim_counts_as_unverified(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net")
    assert_refused(sign_in(client, "ann-sub"), 403, users_before=0)


def test_an_address_outside_the_allowed_domains_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@gmail.com", email_verified=True)
    response = sign_in(client, "ann-sub")
    assert_refused(response, 403, users_before=0)
    assert b"not one we accept" in response.content


def test_a_state_that_matches_no_sign_in_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    callback = sign_in_at_provider(start(client), "ann-sub")
    forged = callback.replace("state=", "state=x")
    assert_refused(come_back(client, forged), 400, users_before=0)


def test_a_callback_in_another_browser_is_refused(client, idp, db, django_user_model):
    from django.test import Client

    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    callback = sign_in_at_provider(start(client), "ann-sub")
    assert_refused(come_back(Client(), callback), 400, users_before=0)


def test_an_id_token_for_another_sign_in_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    idp.nonce_override = "a-nonce-from-another-sign-in"
    assert_refused(sign_in(client, "ann-sub"), 400, users_before=0)


def test_a_replayed_code_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    callback = sign_in_at_provider(start(client), "ann-sub")
    come_back(client, callback)
    client.post(reverse("account_logout"))
    # A fresh sign-in under way, answered with the old code.
    fresh_state = parse_qs(urlsplit(start(client)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = come_back(client, f"{urlsplit(callback).path}?code={code}&state={fresh_state}")
    assert replay.status_code == 400
    assert b"already have been used" in replay.content
    assert signed_in_user(client) is None
    assert User.objects.count() == 1


def test_an_expired_code_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    idp.code_lifetime = -1
    assert_refused(sign_in(client, "ann-sub"), 400, users_before=0)


def test_a_tampered_id_token_is_refused(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    idp.tamper_id_token = True
    response = sign_in(client, "ann-sub")
    assert_refused(response, 400, users_before=0)
    assert b"could not check the answer" in response.content


def test_an_unreachable_provider_gives_the_error_page(client, idp, db, settings):
    dead = app_settings_for(idp)
    dead["settings"]["server_url"] = "http://127.0.0.1:9"  # discard port: nothing answers
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(dead)
    response = client.post(LOGIN, {"process": "login"})
    assert response.status_code == 503
    assert b"not answering" in response.content


def test_a_provider_down_on_the_way_back_gives_the_error_page(client, idp, db, settings):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    callback = sign_in_at_provider(start(client), "ann-sub")
    dead = app_settings_for(idp)
    dead["settings"]["server_url"] = "http://127.0.0.1:9"
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(dead)
    assert_refused(come_back(client, callback), 503, users_before=0)


def test_an_unknown_provider_is_404(client, idp, db):
    assert client.post(reverse("openid_connect_login", kwargs={"provider_id": "nope"})).status_code == 404


def test_refusals_are_logged_without_personal_data(client, idp, db, caplog):
    idp.person_add("ann-sub", email="ann.private@gmail.com", email_verified=True)
    with caplog.at_level(logging.INFO):
        sign_in(client, "ann-sub")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "reason=domain" in logged
    assert "provider=nhsmail" in logged
    assert "ann" not in logged.lower()


# --- an existing account ----------------------------------------------------------------


def test_an_existing_account_is_never_linked_by_its_address_alone(client, idp, db):
    existing = UserFactory(email="ann@nhs.net")
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    response = sign_in(client, "ann-sub")
    assert response.status_code == 409
    assert b"You already have an account" in response.content
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.get() == existing


def test_an_existing_account_connects_after_signing_in_as_itself(client, idp, db):
    existing = UserFactory(email="ann@nhs.net")
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    client.post(reverse("account_login"), {"login": "ann@nhs.net", "password": "correct-horse-battery"})
    assert signed_in_user(client) == existing
    response = sign_in(client, "ann-sub", process="connect")
    # Connecting asks for the password again before anything is linked.
    assert response.url == reverse("account_reauthenticate")
    assert not SocialAccount.objects.exists()
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})
    assert SocialAccount.objects.get().user == existing
    from django.core import mail

    notice = mail.outbox[-1]
    assert notice.subject == "A way to sign in was connected to your account"
    assert "NHSmail was connected to your account" in notice.body
    # From now on the provider signs them in to that account.
    client.post(reverse("account_logout"))
    sign_in(client, "ann-sub")
    assert signed_in_user(client) == existing


def test_connecting_with_a_wrong_password_links_nothing(client, idp, db):
    existing = UserFactory(email="ann@nhs.net")
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    client.force_login(existing)  # say, someone else at an unlocked computer
    assert sign_in(client, "ann-sub", process="connect").url == reverse("account_reauthenticate")
    client.post(reverse("account_reauthenticate"), {"password": "a-guess"})
    assert not SocialAccount.objects.exists()


# --- linked sign-in methods on the account page ------------------------------------------------


def test_people_see_and_remove_a_linked_sign_in_method(client, idp, db):
    person = UserFactory(email="ann@nhs.net")
    account = SocialAccount.objects.create(user=person, provider="nhsmail", uid="ann-sub",
                                           extra_data={"id_token": {"email": "ann@nhs.net"}})
    client.post(reverse("account_login"), {"login": "ann@nhs.net", "password": "correct-horse-battery"})
    profile = client.get(reverse("accounts:profile"))
    assert b"Ways to sign in" in profile.content
    assert b"NHSmail" in profile.content
    page = client.get(reverse("socialaccount_connections"))
    assert b"NHSmail" in page.content
    assert b"ann@nhs.net" in page.content
    assert b"Remove" in page.content
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.url.startswith(reverse("account_reauthenticate"))  # the password again first
    assert SocialAccount.objects.exists()
    client.post(reverse("account_reauthenticate") + "?next=" + reverse("socialaccount_connections"),
                {"password": "correct-horse-battery"})
    assert not SocialAccount.objects.exists()


def test_the_last_way_to_sign_in_cannot_be_removed(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")  # a new account: no password
    account = SocialAccount.objects.get()
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_with_no_provider_configured_the_pages_look_as_before(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting()
    page = client.get(reverse("account_login"))
    assert b"Sign in with" not in page.content
    assert b"NHS account" not in page.content
    person = UserFactory()
    client.force_login(person)
    assert b"Ways to sign in" not in client.get(reverse("accounts:profile")).content


def test_the_sign_in_page_offers_each_configured_provider(client, idp, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(
        app_settings_for(idp), app_settings_for(idp, provider_id="cis2", name="NHS Care Identity"))
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with NHSmail" in page
    assert "Sign in with NHS Care Identity" in page
    assert f'action="{LOGIN}' in page  # a form posting straight to the provider's login: one click


# --- signing out, and closed accounts ---------------------------------------------------


def test_signing_out_ends_our_session(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    assert signed_in_user(client) is not None
    client.post(reverse("account_logout"))
    assert signed_in_user(client) is None
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_an_account_closed_at_the_provider_stops_working_at_the_next_sign_in(client, idp, db):
    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    client.post(reverse("account_logout"))
    idp.person_close("ann-sub")
    response = sign_in(client, "ann-sub")
    assert response.status_code == 403
    assert b"did not let you sign in" in response.content
    assert signed_in_user(client) is None


# --- two-factor rules -------------------------------------------------------------------


@pytest.fixture
def linked_facilitator(idp, db):
    facilitator = FacilitatorFactory(email="fac@nhs.net")
    SocialAccount.objects.create(user=facilitator, provider="nhsmail", uid="fac-sub")
    return facilitator


def test_a_facilitator_signing_in_with_a_provider_still_gives_their_code(client, idp, linked_facilitator):
    idp.person_add("fac-sub", email="fac@nhs.net", email_verified=True, amr=["pwd", "mfa"])
    response = sign_in(client, "fac-sub")
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_user(client) is None


def test_a_facilitator_without_totp_must_set_it_up_after_a_provider_sign_in(client, idp, linked_facilitator):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=linked_facilitator).delete()
    idp.person_add("fac-sub", email="fac@nhs.net", email_verified=True)
    sign_in(client, "fac-sub")
    assert signed_in_user(client) == linked_facilitator
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")


def test_a_trusted_amr_mfa_assertion_stands_in_for_the_code(client, idp, linked_facilitator, settings):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=linked_facilitator).delete()
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(idp, trust_amr_mfa=True))
    idp.person_add("fac-sub", email="fac@nhs.net", email_verified=True, amr=["pwd", "mfa"])
    sign_in(client, "fac-sub")
    assert signed_in_user(client) == linked_facilitator
    assert client.get(reverse("groups:facilitate")).status_code == 200


def test_trust_without_the_assertion_still_asks_for_the_code(client, idp, linked_facilitator, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(idp, trust_amr_mfa=True))
    idp.person_add("fac-sub", email="fac@nhs.net", email_verified=True, amr=["pwd"])
    assert sign_in(client, "fac-sub").url == reverse("mfa_authenticate")


def test_a_trusted_acr_value_stands_in_for_the_code(client, idp, linked_facilitator, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(idp, trust_acr=["AAL3_ANY"]))
    idp.person_add("fac-sub", email="fac@nhs.net", email_verified=True, acr="AAL3_ANY")
    response = sign_in(client, "fac-sub")
    assert signed_in_user(client) == linked_facilitator
    assert response.url != reverse("mfa_authenticate")
    assert client.get(reverse("groups:facilitate")).status_code == 200


def test_an_acr_value_not_listed_is_not_trusted(client, idp, linked_facilitator, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(idp, trust_acr=["AAL3_ANY"]))
    idp.person_add("fac-sub", email="fac@nhs.net", email_verified=True, acr="AAL1_USERPASS")
    assert sign_in(client, "fac-sub").url == reverse("mfa_authenticate")


def test_the_data_download_lists_linked_sign_in_methods_and_erasure_removes_them(client, idp, db):
    from privacy.selectors import personal_data_export

    idp.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    user = signed_in_user(client)
    (linked,) = personal_data_export(user=user)["ways_to_sign_in"]
    assert (linked["provider"], linked["identifier_at_provider"]) == ("nhsmail", "ann-sub")
    from privacy.policy import POLICY, Erase

    assert POLICY["socialaccount.SocialAccount.user"].erase == Erase.DELETE
