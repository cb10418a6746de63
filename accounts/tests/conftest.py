import pytest

from tests.oidc_provider import OidcProvider, app_settings_for, providers_setting


@pytest.fixture(scope="session")
def _oidc_server():
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def idp(_oidc_server, settings):
    """A real OpenID Connect provider on loopback, configured as "NHSmail"
    (fresh people and behaviour for each test)."""
    provider = _oidc_server
    provider.people.clear()
    provider.codes.clear()
    provider.authorize_requests.clear()
    provider.sign_outs.clear()
    provider.code_lifetime, provider.tamper_id_token, provider.nonce_override = 60.0, False, None
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(app_settings_for(provider))
    return provider
