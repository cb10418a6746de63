"""allauth's `openid_connect` provider, made strict for NHS sign-in.

allauth's own OpenID Connect client sends no `nonce`, and skips the ID
token's signature check when the token came straight from the token endpoint
(OpenID Connect allows that over TLS). We add both, for defence in depth: a
nonce per sign-in, kept in allauth's state and compared in
`accounts.social.SocialAccountAdapter.pre_social_login`, and the signature
checked against the provider's JWKS every time. PKCE is on for every
provider (settings). A provider may take a signed assertion instead of a
client secret (`private_key_jwt`, accounts.client_assertion). The login and callback views are allauth's with our
adapter, mounted at allauth's own addresses (wellbeing/urls.py), so that an
unreachable provider gives our error page rather than a server error.
"""

import logging
from urllib.parse import urlencode, urljoin

import requests
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider, _pick_data
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import get_request_param
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import get_random_string

from accounts.client_assertion import ASSERTION_TYPE, client_assertion

logger = logging.getLogger(__name__)

NONCE_STATE_KEY = "nonce"


class IdTokenRejected(OAuth2Error):
    """The ID token's signature, issuer, audience or expiry did not check out."""


class ProviderUnreachable(OAuth2Error):
    """Discovery, the token endpoint, JWKS or userinfo could not be reached."""


def provider_claims(extra_data: dict) -> dict:
    """Everything the provider said about the person: the ID token's claims
    with userinfo's on top (allauth keeps both in `extra_data`)."""
    return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}


# Where a sign-in through a provider set to OIDC_<ID>_SIGN_OUT_AT_PROVIDER
# keeps, for that signed-in session only, what signing out there needs.
SIGN_OUT_SESSION_KEY = "oidc_sign_out"


def provider_sign_out_remember(request: HttpRequest, *, through_provider: bool) -> None:
    """At every sign-in: remember how to sign out at the provider when this
    sign-in came through one that asks for it, forget it otherwise (a
    password sign-in in the same browser must not send anyone there)."""
    found = getattr(request, "_provider_sign_out", None) if through_provider else None
    if found:
        request.session[SIGN_OUT_SESSION_KEY] = found
    else:
        request.session.pop(SIGN_OUT_SESSION_KEY, None)


def provider_sign_out_url(request: HttpRequest, *, back: str) -> str | None:
    """OpenID Connect RP-initiated logout: the provider's end-session address,
    with the ID token of this sign-in as the hint and `back` (on our site)
    as where the provider sends the person afterwards; None when this
    session did not sign in through such a provider."""
    found = request.session.get(SIGN_OUT_SESSION_KEY)
    if not found:
        return None
    query = urlencode({"id_token_hint": found["id_token"], "client_id": found["client_id"],
                       "post_logout_redirect_uri": urljoin(settings.SITE_URL + "/", back)})
    return found["endpoint"] + ("&" if "?" in found["endpoint"] else "?") + query


class NhsOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request: HttpRequest, app: SocialApp, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        endpoint = self.openid_config.get("end_session_endpoint")
        id_token = (kwargs.get("response") or {}).get("id_token")
        if app.settings.get("sign_out_at_provider") and endpoint and id_token:
            # Kept on this request only; the session takes it if the sign-in succeeds.
            request._provider_sign_out = {"endpoint": endpoint, "id_token": id_token,  # type: ignore[attr-defined]
                                          "client_id": app.client_id}
        return login

    def get_access_token_data(self, request: HttpRequest, app: SocialApp, client, pkce_code_verifier=None):
        """With `private_key_jwt`, the token request carries a fresh signed
        assertion (accounts.client_assertion) and no client secret."""
        if app.settings.get("token_auth_method") != "private_key_jwt":
            return super().get_access_token_data(request, app, client, pkce_code_verifier=pkce_code_verifier)
        assertion = client_assertion(client_id=app.client_id, audience=self.access_token_url,
                                     pem=app.settings["private_key"], algorithm=app.settings["signing_alg"],
                                     key_id=app.settings["key_id"])
        code = get_request_param(request, "code")
        data = client.get_access_token(code, pkce_code_verifier=pkce_code_verifier, extra_data={
            "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion})
        self.did_fetch_access_token = True
        return data

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        try:
            return jwtkit.verify_and_decode(
                credential=id_token,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
                verify_signature=True,
            )
        except requests.RequestException as error:
            raise ProviderUnreachable("JWKS unreachable") from error
        except (OAuth2Error, KeyError, ValueError) as error:
            raise IdTokenRejected("ID token rejected") from error


class NhsOpenIDConnectProvider(OpenIDConnectProvider):
    # allauth finds a provider's URLs (and so the names we reverse) by its package.
    package = "allauth.socialaccount.providers.openid_connect"
    oauth2_adapter_class = NhsOpenIDConnectAdapter
    pkce_enabled_default = True

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs) -> HttpResponse:
        nonce = get_random_string(43)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params)
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params,
                                **{NONCE_STATE_KEY: nonce}, **kwargs)

    def sociallogin_from_response(self, request: HttpRequest, response: dict):
        """allauth keeps the claims on the linked account; we keep only those
        our rules read (who, from where, the address and its verification,
        how they signed in, and the nonce), not names or anything else."""
        sociallogin = super().sociallogin_from_response(request, response)
        keep = {"sub", "iss", "email", "amr", "acr", "nonce",
                self.app.settings.get("email_verified_claim", "email_verified")}
        sociallogin.account.extra_data = {
            part: {k: v for k, v in claims.items() if k in keep}
            for part, claims in sociallogin.account.extra_data.items()
            if part in ("id_token", "userinfo") and isinstance(claims, dict)
        }
        return sociallogin

    def extract_common_fields(self, data):
        # Only the address: a person chooses the name others see at onboarding.
        return {"email": (_pick_data(data).get("email") or "").strip().lower() or None}

    def extract_email_addresses(self, data):
        from allauth.account.models import EmailAddress

        claims = provider_claims(data)
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return []
        verified = claims.get(self.app.settings.get("email_verified_claim", "email_verified")) in (True, "true")
        return [EmailAddress(email=email, verified=verified, primary=True)]


def _adapter(request: HttpRequest, provider_id: str) -> NhsOpenIDConnectAdapter:
    return NhsOpenIDConnectAdapter(request, provider_id)


def _through(view: type[OAuth2LoginView] | type[OAuth2CallbackView], request: HttpRequest,
             provider_id: str) -> HttpResponse:
    """allauth's own view with our adapter: an unknown provider is a 404, and
    discovery failing (on the way out, or back: allauth catches the token
    call's own failures) is the "cannot reach" page."""
    adapter = _adapter(request, provider_id)
    try:
        return view.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except requests.RequestException as error:
        return render_authentication_error(request, adapter.get_provider(),
                                           exception=ProviderUnreachable(str(type(error).__name__)))


def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    return _through(OAuth2LoginView, request, provider_id)


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    return _through(OAuth2CallbackView, request, provider_id)
