"""NHS sign-in providers are read from the environment (wellbeing/oidc_providers.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.tests.test_settings import _start
from wellbeing.oidc_providers import oidc_apps_from_env, oidc_origins

NHSMAIL = {
    "OIDC_PROVIDERS": "nhsmail,cis2",
    "OIDC_NHSMAIL_NAME": "NHSmail",
    "OIDC_NHSMAIL_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0",
    "OIDC_NHSMAIL_CLIENT_ID": "client-1",
    "OIDC_NHSMAIL_CLIENT_SECRET": "secret-1",
    "OIDC_NHSMAIL_EMAIL_VERIFIED_CLAIM": "xms_edov",
    "OIDC_CIS2_NAME": "NHS Care Identity",
    "OIDC_CIS2_ISSUER": "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
    "OIDC_CIS2_CLIENT_ID": "client-2",
    "OIDC_CIS2_CLIENT_SECRET": "secret-2",
    "OIDC_CIS2_SCOPES": "openid profile email",
    "OIDC_CIS2_ACR_VALUES": "AAL3_ANY",
    "OIDC_CIS2_TRUST_ACR": "AAL3_ANY",
}


@pytest.fixture
def env(monkeypatch):
    def set_env(values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    return set_env


def test_none_are_configured_by_default(monkeypatch):
    monkeypatch.delenv("OIDC_PROVIDERS", raising=False)
    assert oidc_apps_from_env() == []
    assert oidc_origins([]) == []


def test_any_number_of_providers_are_read(env):
    env(NHSMAIL)
    nhsmail, cis2 = oidc_apps_from_env()
    assert (nhsmail["provider_id"], nhsmail["name"], nhsmail["client_id"], nhsmail["secret"]) == (
        "nhsmail", "NHSmail", "client-1", "secret-1")
    assert nhsmail["settings"]["server_url"] == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert nhsmail["settings"]["email_verified_claim"] == "xms_edov"
    assert nhsmail["settings"]["oauth_pkce_enabled"] is True
    # Trusting a provider's multi-factor assertion is off unless asked for.
    assert nhsmail["settings"]["trust_amr_mfa"] is False
    assert nhsmail["settings"]["trust_acr"] == []
    assert cis2["settings"]["auth_params"] == {"acr_values": "AAL3_ANY"}
    assert cis2["settings"]["trust_acr"] == ["AAL3_ANY"]
    assert oidc_origins([nhsmail, cis2]) == [
        "https://am.nhsidentity.spineservices.nhs.uk", "https://login.microsoftonline.com"]


@pytest.mark.parametrize(("change", "message"), [
    ({"OIDC_NHSMAIL_CLIENT_ID": ""}, "OIDC_NHSMAIL_CLIENT_ID must be set"),
    ({"OIDC_NHSMAIL_ISSUER": "login.microsoftonline.com"}, "OIDC_NHSMAIL_ISSUER must be an https://"),
    ({"OIDC_NHSMAIL_SCOPES": "profile email"}, "must include openid"),
    ({"OIDC_PROVIDERS": "NHS mail"}, "lower-case letters"),
    ({"OIDC_PROVIDERS": "nhsmail,nhsmail"}, "twice"),
    ({"OIDC_NHSMAIL_TOKEN_AUTH_METHOD": "client_secret_jwt"}, "TOKEN_AUTH_METHOD must be one of"),
    ({"OIDC_NHSMAIL_TOKEN_AUTH_METHOD": "private_key_jwt"}, "CLIENT_SECRET must not be set"),
])
def test_a_mistake_is_a_one_line_explanation(env, change, message):
    env({**NHSMAIL, **change})
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc_apps_from_env()


def test_the_service_starts_with_providers_and_lets_the_sign_in_form_reach_them():
    result = _start(
        "from django.conf import settings; print(settings.SECURE_CSP['form-action'])",
        DEBUG="true", **NHSMAIL)
    assert result.returncode == 0, result.stderr
    assert "https://login.microsoftonline.com" in result.stdout
