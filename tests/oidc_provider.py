"""A small but real OpenID Connect provider for the tests, on loopback.

Built on Authlib's authorization server (the same code real providers use):
discovery, an authorization endpoint with a sign-in page, the authorization
code flow with PKCE required (S256), the token endpoint (client secret, or a
signed client assertion: private_key_jwt),
signed ID tokens (RS256, with `kid`) with the nonce echoed, a JWKS endpoint,
userinfo and RP-initiated logout. Nothing on our side is patched: allauth talks to it over HTTP.

The tests steer it the way a real provider's state changes: people (their
claims) are added with `person_add`, an account is closed with
`person_close` (the provider then refuses to sign them in), codes can be
made to expire at once, and an ID token can be tampered with in transit.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import ClientMixin, InvalidClientError, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, redirect, request
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

STANDARD_SCOPES = ("openid", "profile", "email")


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    # Set: the client authenticates with a signed assertion (private_key_jwt)
    # checked with this public JWK, and its secret is refused.
    public_jwk: dict | None = None

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in STANDARD_SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri.startswith(("http://127.0.0.1:", "http://localhost:", "http://testserver/"))

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if self.public_jwk is not None:
            return method == JWTBearerClientAssertion.CLIENT_AUTH_METHOD
        return method in ("client_secret_post", "client_secret_basic")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    sub: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class Person:
    sub: str
    claims: dict
    closed: bool = False


class OidcProvider:
    """One provider: `start()` serves it on 127.0.0.1 in a thread, `stop()` ends it."""

    def __init__(self, *, client_id: str = "peer-support", client_secret: str = "s3cret-for-tests"):
        self.client = Client(client_id, client_secret)
        self.people: dict[str, Person] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, tuple[str, str]] = {}  # access token -> (sub, scope)
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
        self.code_lifetime = 60.0
        self.tamper_id_token = False
        self.nonce_override: str | None = None
        self.token_requests = 0
        self.assertions: list[dict] = []  # the client assertions accepted (private_key_jwt)
        self.sign_outs: list[dict] = []  # RP-initiated logouts: the ID token hint's claims, and where back to
        self.authorize_requests: list[dict] = []
        self._server = None
        self._thread: threading.Thread | None = None
        self.app = self._make_app()

    # --- what the tests change -------------------------------------------------

    def person_add(self, sub: str, **claims) -> None:
        self.people[sub] = Person(sub=sub, claims=claims)

    def person_close(self, sub: str) -> None:
        self.people[sub].closed = True

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- serving ---------------------------------------------------------------

    def start(self) -> OidcProvider:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(2)

    # --- the provider itself ------------------------------------------------------

    def _make_app(self) -> Flask:
        app = Flask(__name__)
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post", "client_secret_basic",
                                           JWTBearerClientAssertion.CLIENT_AUTH_METHOD]

            def save_authorization_code(self, code, req):
                data = req.payload.data
                provider.codes[code] = Code(
                    code=code, client_id=req.client.client_id, redirect_uri=req.payload.redirect_uri,
                    scope=req.payload.scope, sub=req.user.sub, nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"), code_challenge_method=data.get("code_challenge_method"),
                    expires_at=time.time() + provider.code_lifetime,
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                if item and item.client_id == client.client_id and time.time() < item.expires_at:
                    return item
                return None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                person = provider.people.get(authorization_code.sub)
                return None if person is None or person.closed else person

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, req):
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client):
                return KeySet([provider.key])

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": provider.key.kid}

            def get_client_claims(self, client):
                now = int(time.time())
                return {"iss": provider.issuer, "aud": [client.client_id], "iat": now, "exp": now + 600}

            def get_authorization_code_claims(self, authorization_code):
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.nonce_override is not None:
                    claims["nonce"] = provider.nonce_override
                return claims

            def generate_user_info(self, user, scope):
                return provider._claims_for(user, scope)

            def process_token(self, grant, response):
                token = super().process_token(grant, response)
                if provider.tamper_id_token and "id_token" in token:
                    token["id_token"] = _tampered(token["id_token"])
                return token

        def query_client(client_id):
            return provider.client if client_id == provider.client.client_id else None

        def save_token(token, req):
            provider.tokens[token["access_token"]] = (req.user.sub, token.get("scope", ""))

        class ClientAssertion(JWTBearerClientAssertion):
            """private_key_jwt: signed by the client's key, for our token
            endpoint, each `jti` once."""

            def get_audiences(self):
                return [f"{provider.issuer}/token"]

            def resolve_client_public_key(self, client):
                return KeySet.import_key_set({"keys": [client.public_jwk]}) if client.public_jwk else KeySet([])

            def process_assertion_claims(self, assertion, resolve_key):
                # joserfc accepts only its "recommended" algorithms unless told;
                # NHS login and CIS2 take RS512 (and we offer ES256).
                try:
                    token = jose_jwt.decode(assertion, resolve_key, algorithms=["RS256", "RS512", "PS512", "ES256"])
                except JoseError as error:
                    raise InvalidClientError(description=error.description) from error
                self.verify_claims(token.claims)
                return token.claims

            def validate_jti(self, claims, jti):
                if any(seen["jti"] == jti for seen in provider.assertions):
                    return False
                provider.assertions.append(dict(claims))
                return True

        server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
        server.register_client_auth_method(ClientAssertion.CLIENT_AUTH_METHOD, ClientAssertion())
        server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])

        class Validator(BearerTokenValidator):
            def authenticate_token(self, token_string):
                found = provider.tokens.get(token_string)
                return _AccessToken(token_string, *found) if found else None

        protect = ResourceProtector()
        protect.register_token_validator(Validator())

        @app.get("/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return jsonify({
                "issuer": base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                "end_session_endpoint": f"{base}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": list(STANDARD_SCOPES),
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic",
                                                          "private_key_jwt"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "email", "email_verified", "name", "amr", "acr"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([provider.key]).as_dict(private=False))

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            try:
                grant = server.get_consent_grant(end_user=None)
            except Exception as error:  # noqa: BLE001 - a bad request is shown, as a real provider would
                return f"<h1>Bad request</h1><p>{escape(str(error))}</p>", 400
            if request.method == "GET":
                provider.authorize_requests.append(dict(request.args))
                return _sign_in_page(request.full_path)
            person = provider.people.get(request.form.get("sub", ""))
            if request.form.get("action") == "cancel" or person is None or person.closed:
                return server.create_authorization_response(grant_user=None, grant=grant)
            return server.create_authorization_response(grant_user=person, grant=grant)

        @app.get("/logout")
        def logout():
            """RP-initiated logout: the hint must be an ID token we signed for
            this client; then back to where the client asked."""
            try:
                hint = jose_jwt.decode(request.args.get("id_token_hint", ""), KeySet([provider.key]))
            except (JoseError, ValueError) as error:
                return f"<h1>Bad request</h1><p>{escape(str(error))}</p>", 400
            if provider.client.client_id not in (hint.claims.get("aud") or []):
                return "<h1>Bad request</h1><p>not our client</p>", 400
            back = request.args.get("post_logout_redirect_uri", "")
            provider.sign_outs.append({"sub": hint.claims["sub"], "back": back,
                                       "client_id": request.args.get("client_id")})
            return redirect(back) if back else "<h1>Signed out</h1>"

        @app.post("/token")
        def token():
            provider.token_requests += 1
            return server.create_token_response()

        @app.route("/userinfo", methods=["GET", "POST"])
        @protect()
        def userinfo():
            sub, scope = current_token.sub, current_token.scope
            return jsonify(provider._claims_for(provider.people[sub], scope))

        return app

    def _claims_for(self, person: Person, scope: str) -> dict:
        claims = {"sub": person.sub}
        if "email" in scope.split():
            claims.update({k: v for k, v in person.claims.items() if k in ("email", "email_verified")})
        claims.update({k: v for k, v in person.claims.items() if k not in ("email", "email_verified")})
        return claims

    def authorize_url(self, **params) -> str:
        return f"{self.issuer}/authorize?{urlencode(params)}"


@dataclass
class _AccessToken:
    token: str
    sub: str
    scope: str

    def get_scope(self):
        return self.scope

    def is_expired(self):
        return False

    def is_revoked(self):
        return False


def _tampered(id_token: str) -> str:
    """The same token with one claim changed after signing: the signature no longer matches."""
    import base64
    import json

    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "someone.else@nhs.net"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def _sign_in_page(action: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="{escape(action)}">
<label for="sub">Account</label> <input id="sub" name="sub" autocomplete="off">
<button name="action" value="sign-in">Sign in</button>
<button name="action" value="cancel">Cancel</button>
</form></main></body></html>"""


def app_settings_for(provider: OidcProvider, *, provider_id: str = "nhsmail", name: str = "NHSmail", **extra) -> dict:
    """The allauth app our settings would make from OIDC_<ID>_* for this provider."""
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": provider.client.client_id,
        "secret": provider.client.client_secret,
        "settings": {
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "scope": ["openid", "profile", "email"],
            "fetch_userinfo": True,
            "email_verified_claim": "email_verified",
            "trust_amr_mfa": False,
            "trust_acr": [],
            **extra,
        },
    }


def providers_setting(*apps: dict) -> dict:
    return {"openid_connect": {
        "provider_class": "accounts.oidc.NhsOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": list(apps),
    }}
