"""NHS sign-in providers (OpenID Connect) read from the environment.

    OIDC_PROVIDERS=nhsmail,cis2
    OIDC_NHSMAIL_NAME=NHSmail
    OIDC_NHSMAIL_ISSUER=https://login.microsoftonline.com/<tenant id>/v2.0
    OIDC_NHSMAIL_CLIENT_ID=...
    OIDC_NHSMAIL_CLIENT_SECRET=...            (or, signing with a key:)
    OIDC_CIS2_TOKEN_AUTH_METHOD=private_key_jwt
    OIDC_CIS2_PRIVATE_KEY_FILE=/run/secrets/cis2-key.pem

Each provider becomes one app of allauth's `openid_connect` provider; with
OIDC_PROVIDERS unset there are none and the sign-in pages look as before.
The README ("NHS sign-in") lists every variable.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from accounts.client_assertion import DEFAULT_ALGORITHM, KeyProblem, load_private_key, public_jwk
from wellbeing.env import env_bool, env_list, env_str

_ID = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
_TOKEN_AUTH_METHODS = ("client_secret_post", "client_secret_basic", "private_key_jwt")


def _required(name: str) -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set (it is listed in OIDC_PROVIDERS).")
    return value


def _provider(provider_id: str) -> dict:
    prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"
    issuer = _required(prefix + "ISSUER").rstrip("/")
    if urlsplit(issuer).scheme not in ("https", "http") or not urlsplit(issuer).netloc:
        raise ImproperlyConfigured(f"{prefix}ISSUER must be an https:// address, not {issuer!r}.")
    scopes = env_str(prefix + "SCOPES", "openid profile email").replace(",", " ").split()
    if "openid" not in scopes:
        raise ImproperlyConfigured(f"{prefix}SCOPES must include openid.")
    app_settings: dict = {
        "server_url": issuer,
        "oauth_pkce_enabled": True,
        "scope": scopes,
        "fetch_userinfo": env_bool(prefix + "FETCH_USERINFO", True),
        # Which claim says the provider has verified the email address.
        "email_verified_claim": env_str(prefix + "EMAIL_VERIFIED_CLAIM", "email_verified"),
        # Off unless asked for: trust the provider's own multi-factor sign-in
        # instead of asking facilitators and admins for our TOTP code.
        "trust_amr_mfa": env_bool(prefix + "TRUST_AMR_MFA", False),
        "trust_acr": env_list(prefix + "TRUST_ACR", []),
        # Signing out of this service also ends the session at the provider
        # (RP-initiated logout), for shared computers.
        "sign_out_at_provider": env_bool(prefix + "SIGN_OUT_AT_PROVIDER", False),
    }
    if acr_values := env_str(prefix + "ACR_VALUES"):
        app_settings["auth_params"] = {"acr_values": acr_values}
    if method := env_str(prefix + "TOKEN_AUTH_METHOD"):
        if method not in _TOKEN_AUTH_METHODS:
            raise ImproperlyConfigured(f"{prefix}TOKEN_AUTH_METHOD must be one of {', '.join(_TOKEN_AUTH_METHODS)}.")
        app_settings["token_auth_method"] = method
    secret = env_str(prefix + "CLIENT_SECRET")
    if method == "private_key_jwt":
        if secret:
            raise ImproperlyConfigured(f"{prefix}CLIENT_SECRET must not be set with private_key_jwt (it is not sent).")
        app_settings.update(_signing_key(prefix))
    return {
        "provider_id": provider_id,
        "name": env_str(prefix + "NAME", provider_id),
        "client_id": _required(prefix + "CLIENT_ID"),
        "secret": secret,
        "settings": app_settings,
    }


def _signing_key(prefix: str) -> dict:
    """private_key_jwt: the key the token requests are signed with, checked now."""
    path = _required(prefix + "PRIVATE_KEY_FILE")
    algorithm = env_str(prefix + "SIGNING_ALG", DEFAULT_ALGORITHM)
    try:
        pem = load_private_key(path, algorithm)
    except KeyProblem as problem:
        raise ImproperlyConfigured(f"{prefix}PRIVATE_KEY_FILE / {prefix}SIGNING_ALG: {problem}.") from None
    key_id = public_jwk(pem, algorithm, env_str(prefix + "KEY_ID") or None)["kid"]
    return {"private_key": pem, "signing_alg": algorithm, "key_id": key_id}


def oidc_apps_from_env() -> list[dict]:
    """The apps for SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]."""
    ids = [i.lower() for i in env_list("OIDC_PROVIDERS", [])]
    for provider_id in ids:
        if not _ID.match(provider_id):
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS: {provider_id!r} must be lower-case letters, digits and hyphens."
            )
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("OIDC_PROVIDERS names a provider twice.")
    return [_provider(provider_id) for provider_id in ids]


def oidc_origins(apps: list[dict]) -> list[str]:
    """The providers' origins: the sign-in button's form posts to us and we
    redirect there, which the Content Security Policy's form-action must allow."""
    origins = []
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))
