"""Code fields (two-factor and emailed codes) bring up a phone's number pad
and let the browser or password manager fill a one-time code."""

import re

from django.urls import reverse

from accounts.tests.factories import FacilitatorFactory


def _code_input(html: str) -> str:
    (tag,) = re.findall(r'<input[^>]*name="code"[^>]*>', html)
    return tag


def test_setting_up_an_authenticator_app(client, practitioner):
    client.force_login(practitioner)
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})  # "confirm it is you"
    tag = _code_input(client.get(reverse("mfa_activate_totp")).content.decode())
    assert 'inputmode="numeric"' in tag
    assert 'autocomplete="one-time-code"' in tag


def test_the_code_asked_for_at_sign_in(client, db):
    facilitator = FacilitatorFactory()
    client.post(reverse("account_login"), {"login": facilitator.email, "password": "correct-horse-battery"})
    tag = _code_input(client.get(reverse("mfa_authenticate")).content.decode())
    assert 'inputmode="numeric"' in tag
    assert 'autocomplete="one-time-code"' in tag


def test_emailed_codes_are_six_digits():
    from allauth.account.adapter import get_adapter

    code = get_adapter().generate_login_code()
    assert re.fullmatch(r"\d{6}", code)
