"""Signing in to the provider's token endpoint with our key (`private_key_jwt`,
accounts/client_assertion.py) instead of a client secret, against the real
provider on loopback (tests/oidc_provider.py), which checks each assertion
with the public key registered with it."""

import io
import json

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from accounts.client_assertion import LIFETIME_SECONDS
from accounts.models import User
from accounts.tests.test_oidc_sign_in import assert_refused, sign_in, signed_in_user
from tests.oidc_provider import providers_setting
from wellbeing.oidc_providers import oidc_apps_from_env


def _pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def rsa_pem() -> str:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture
def key_file(tmp_path, rsa_pem):
    path = tmp_path / "cis2-key.pem"
    path.write_text(rsa_pem)
    return path


@pytest.fixture
def environment(monkeypatch, idp, key_file):
    values = {
        "OIDC_PROVIDERS": "nhsmail", "OIDC_NHSMAIL_NAME": "NHSmail", "OIDC_NHSMAIL_ISSUER": idp.issuer,
        "OIDC_NHSMAIL_CLIENT_ID": idp.client.client_id, "OIDC_NHSMAIL_TOKEN_AUTH_METHOD": "private_key_jwt",
        "OIDC_NHSMAIL_PRIVATE_KEY_FILE": str(key_file),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OIDC_NHSMAIL_CLIENT_SECRET", raising=False)
    return monkeypatch


def _jwks() -> dict:
    out = io.StringIO()
    call_command("oidc_jwks", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def signing(idp, environment, settings):
    """The provider knows our public key (as printed by `oidc_jwks`) and
    takes only signed assertions from us."""
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(*oidc_apps_from_env())
    idp.client.public_jwk = _jwks()["keys"][0]
    idp.assertions.clear()
    yield idp
    idp.client.public_jwk = None


def test_a_person_signs_in_with_the_token_request_signed_by_our_key(client, signing, db):
    signing.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    assert signed_in_user(client).email == "ann@nhs.net"
    [claims] = signing.assertions
    assert claims["iss"] == claims["sub"] == signing.client.client_id
    assert claims["aud"] == f"{signing.issuer}/token"
    assert 0 < claims["exp"] - claims["iat"] <= LIFETIME_SECONDS
    assert len(claims["jti"]) >= 32


def test_the_assertion_is_rs512_and_names_the_registered_key(signing, settings):
    from accounts.client_assertion import client_assertion

    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]
    token = client_assertion(client_id="c", audience="https://idp/token", pem=app["private_key"],
                             algorithm=app["signing_alg"], key_id=app["key_id"])
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS512"
    assert header["kid"] == signing.client.public_jwk["kid"]
    public = jwt.PyJWK(signing.client.public_jwk).key
    assert jwt.decode(token, public, algorithms=["RS512"], audience="https://idp/token")["sub"] == "c"


def test_each_sign_in_sends_a_new_assertion(client, signing, db):
    signing.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    sign_in(client, "ann-sub")
    client.logout()
    sign_in(client, "ann-sub")  # the provider refuses a jti it has seen
    assert signed_in_user(client) is not None
    assert len({claims["jti"] for claims in signing.assertions}) == 2


def test_a_key_the_provider_does_not_know_is_refused(client, signing, db, rsa_pem, tmp_path, settings, environment):
    other = tmp_path / "other.pem"
    other.write_text(_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    environment.setenv("OIDC_NHSMAIL_PRIVATE_KEY_FILE", str(other))
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(*oidc_apps_from_env())
    signing.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    assert_refused(sign_in(client, "ann-sub"), 400, users_before=0)
    assert signed_in_user(client) is None
    assert not signing.assertions


def test_a_client_secret_is_refused_by_a_provider_that_expects_our_key(client, signing, db, settings, environment):
    environment.setenv("OIDC_NHSMAIL_TOKEN_AUTH_METHOD", "client_secret_post")
    environment.setenv("OIDC_NHSMAIL_CLIENT_SECRET", signing.client.client_secret)
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(*oidc_apps_from_env())
    signing.person_add("ann-sub", email="ann@nhs.net", email_verified=True)
    assert_refused(sign_in(client, "ann-sub"), 400, users_before=0)
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0


# --- configuration ----------------------------------------------------------------------


@pytest.mark.parametrize(("content", "algorithm", "problem"), [
    (None, "RS512", "cannot read"),
    ("not a key", "RS512", "not an unencrypted PEM private key"),
    ("short-rsa", "RS512", "at least 2048 bits"),
    ("ec-p256", "RS512", "needs an RSA key"),
    ("rsa", "ES256", "needs an EC key"),
    ("rsa", "HS256", "unknown algorithm"),
])
def test_an_unusable_key_stops_the_server_with_a_clear_message(environment, tmp_path, content, algorithm, problem):
    keys = {"short-rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505 (the point)
            "ec-p256": lambda: ec.generate_private_key(ec.SECP256R1()),
            "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)}
    path = tmp_path / "key.pem"
    if content is not None:
        path.write_text(_pem(keys[content]()) if content in keys else content)
    environment.setenv("OIDC_NHSMAIL_PRIVATE_KEY_FILE", str(path))
    environment.setenv("OIDC_NHSMAIL_SIGNING_ALG", algorithm)
    with pytest.raises(ImproperlyConfigured, match=problem):
        oidc_apps_from_env()


def test_a_key_file_is_required_and_a_secret_is_not_allowed(environment, key_file):
    environment.delenv("OIDC_NHSMAIL_PRIVATE_KEY_FILE")
    with pytest.raises(ImproperlyConfigured, match="PRIVATE_KEY_FILE must be set"):
        oidc_apps_from_env()
    environment.setenv("OIDC_NHSMAIL_PRIVATE_KEY_FILE", str(key_file))
    assert oidc_apps_from_env()[0]["settings"]["token_auth_method"] == "private_key_jwt"
    environment.setenv("OIDC_NHSMAIL_CLIENT_SECRET", "s")
    with pytest.raises(ImproperlyConfigured, match="CLIENT_SECRET must not be set"):
        oidc_apps_from_env()


def test_an_ec_key_and_a_chosen_key_id(environment, tmp_path, settings):
    path = tmp_path / "ec.pem"
    path.write_text(_pem(ec.generate_private_key(ec.SECP256R1())))
    environment.setenv("OIDC_NHSMAIL_PRIVATE_KEY_FILE", str(path))
    environment.setenv("OIDC_NHSMAIL_SIGNING_ALG", "ES256")
    environment.setenv("OIDC_NHSMAIL_KEY_ID", "cis2-2026")
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(*oidc_apps_from_env())
    [key] = _jwks()["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["kid"], key["use"]) == ("EC", "P-256", "ES256", "cis2-2026", "sig")
    assert "d" not in key  # never the private part


def test_the_public_key_set_is_printed_only_for_signing_providers(idp, settings, environment):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(*oidc_apps_from_env())
    [key] = _jwks()["keys"]
    assert (key["kty"], key["alg"]) == ("RSA", "RS512")
    assert not {"d", "p", "q"} & set(key)
    assert len(key["kid"]) == 43  # the key's RFC 7638 thumbprint
    environment.setenv("OIDC_NHSMAIL_TOKEN_AUTH_METHOD", "client_secret_post")
    environment.delenv("OIDC_NHSMAIL_PRIVATE_KEY_FILE")
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(*oidc_apps_from_env())
    with pytest.raises(CommandError, match="private_key_jwt"):
        _jwks()


def test_the_private_key_never_shows_on_an_error_page(signing, settings, rsa_pem):
    from django.views.debug import SafeExceptionReporterFilter

    shown = str(SafeExceptionReporterFilter().get_safe_settings()["SOCIALACCOUNT_PROVIDERS"])
    assert "PRIVATE KEY" not in shown
    assert rsa_pem.splitlines()[1] not in shown
