"""Signing in to the provider's token endpoint with a key instead of a
client secret: OpenID Connect's `private_key_jwt` (RFC 7523), which NHS CIS2
recommends and NHS login requires.

Each token request carries a short-lived JWT signed with our private key:
issuer and subject our client id, audience the token endpoint, a fresh
`jti`, valid for 5 minutes at most. The provider checks it with the public
key we registered with it (`manage.py oidc_jwks` prints it). The private key
never leaves this server. Read at start-up, so a missing or unusable key
stops the server with a clear message instead of failing a person's sign-in.
PyJWT (with `cryptography`) signs; both come with django-allauth.
"""

import base64
import hashlib
import json
import secrets
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LIFETIME_SECONDS = 300  # NHS login accepts at most 5 minutes
RSA_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
EC_ALGORITHMS = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
DEFAULT_ALGORITHM = "RS512"  # what NHS login requires and CIS2 accepts


class KeyProblem(ValueError):
    """The key file cannot be used (missing, unreadable, not a private key,
    too short, or not of the algorithm's kind)."""


def load_private_key(path: str, algorithm: str) -> str:
    """The PEM text of a private key usable with `algorithm`, or KeyProblem."""
    try:
        pem = Path(path).read_text()
    except OSError as error:
        raise KeyProblem(f"cannot read {path!r} ({type(error).__name__})") from None
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise KeyProblem(f"{path!r} is not an unencrypted PEM private key") from None
    if algorithm in RSA_ALGORITHMS:
        if not isinstance(key, RSAPrivateKey):
            raise KeyProblem(f"{algorithm} needs an RSA key")
        if key.key_size < 2048:
            raise KeyProblem("an RSA key must have at least 2048 bits")
    elif algorithm in EC_ALGORITHMS:
        if not isinstance(key, EllipticCurvePrivateKey) or key.curve.name != EC_ALGORITHMS[algorithm]:
            raise KeyProblem(f"{algorithm} needs an EC key on {EC_ALGORITHMS[algorithm]}")
    else:
        raise KeyProblem(f"unknown algorithm {algorithm!r}")
    return pem


def public_jwk(pem: str, algorithm: str, key_id: str | None = None) -> dict:
    """The public half as a JWK, with `kid` (given, or its RFC 7638
    thumbprint), `use` and `alg`: what the provider is given."""
    public = load_pem_private_key(pem.encode(), password=None).public_key()
    family = RSAAlgorithm if algorithm in RSA_ALGORITHMS else ECAlgorithm
    jwk = family.to_jwk(public, as_dict=True)  # type: ignore[arg-type]
    required = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({name: jwk[name] for name in required}, separators=(",", ":"), sort_keys=True)
    thumbprint = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    return {**{name: jwk[name] for name in required}, "kid": key_id or thumbprint, "use": "sig", "alg": algorithm}


def client_assertion(*, client_id: str, audience: str, pem: str, algorithm: str, key_id: str,
                     now: float | None = None) -> str:
    """A signed assertion for one token request."""
    issued = int(time.time() if now is None else now)
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "jti": secrets.token_urlsafe(32),
              "iat": issued, "exp": issued + LIFETIME_SECONDS}
    return jwt.encode(claims, pem, algorithm=algorithm, headers={"kid": key_id, "typ": "JWT"})
