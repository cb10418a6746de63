"""Signing in with NHSmail in Debian Chromium: the button, a real OpenID
Connect provider on loopback (tests/oidc_provider.py), onboarding, home."""

import pytest
from django.utils.csp import CSP

from tests.browser.conftest import assert_accessible
from tests.oidc_provider import OidcProvider, app_settings_for, providers_setting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nhsmail(settings):
    provider = OidcProvider().start()
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(provider))
    # What settings.py does for a configured provider: the sign-in form may lead there.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, provider.issuer]}
    yield provider
    provider.stop()


def _sign_in_with_nhsmail(page, base_url: str, sub: str) -> None:
    page.goto(base_url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with NHSmail").click()
    page.get_by_role("heading", name="Test identity provider").wait_for()
    page.get_by_label("Account").fill(sub)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_new_person_signs_in_with_nhsmail_onboards_and_reaches_home(page, live_server, nhsmail):
    nhsmail.person_add("robin-sub", email="robin.jones@nhs.net", email_verified=True, name="Robin Jones")
    _sign_in_with_nhsmail(page, live_server.url, "robin-sub")

    page.get_by_role("heading", name="Set up your profile").wait_for()
    assert page.get_by_label("Display name").input_value() == ""  # never filled from the provider
    assert_accessible(page)
    page.get_by_label("Display name").fill("Robin")
    page.get_by_label("Midwife").check()
    page.get_by_label("Foundation Year 2").check()
    page.get_by_label("NHS region or nation").select_option("wales")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Hello, Robin").wait_for()
    assert page.url == live_server.url + "/"
    assert_accessible(page)

    page.goto(live_server.url + "/profile/")
    page.get_by_role("link", name="Ways to sign in").click()
    page.get_by_text("robin.jones@nhs.net").wait_for()
    assert_accessible(page)


def test_an_unverified_address_gets_the_error_page(page, live_server, nhsmail):
    nhsmail.person_add("sam-sub", email="sam@nhs.net", email_verified=False)
    _sign_in_with_nhsmail(page, live_server.url, "sam-sub")
    page.get_by_role("heading", name="You could not sign in with NHSmail").wait_for()
    assert "has not confirmed that your email address belongs to you" in page.content()
    assert_accessible(page)


def test_signing_out_on_a_shared_computer_ends_the_provider_session_too(page, live_server, nhsmail, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(nhsmail, sign_out_at_provider=True))
    settings.SITE_URL = live_server.url
    nhsmail.person_add("robin-sub", email="robin.jones@nhs.net", email_verified=True)
    _sign_in_with_nhsmail(page, live_server.url, "robin-sub")
    page.get_by_role("heading", name="Set up your profile").wait_for()
    page.get_by_role("button", name="Sign out").click()
    # Through the provider's end-session address (the CSP's form-action lets
    # the sign-out form's redirect go there) and back to our home page.
    page.wait_for_url(live_server.url + "/")
    assert [s["sub"] for s in nhsmail.sign_outs] == ["robin-sub"]
    page.get_by_role("link", name="Sign in").first.wait_for()
