"""TURN credentials for coturn's REST-API scheme (`use-auth-secret`): the
username is `expiry:opaque-id` and the credential is
base64(HMAC-SHA1(secret, username)). coturn accepts them until the expiry
without any call back to the app; the long-lived secret never leaves the
server. Minted for each admitted connection, never for the lobby."""

import base64
import hashlib
import hmac
import secrets
import time

from django.conf import settings


def turn_credentials(*, secret: str, ttl: int, now: float | None = None) -> tuple[str, str, int]:
    """(username, credential, expires at as a Unix time)."""
    expires = int(now if now is not None else time.time()) + ttl
    username = f"{expires}:{secrets.token_hex(8)}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode(), expires


def ice_servers() -> tuple[list[dict], int | None]:
    """The RTCIceServer list for one admitted connection, and when its TURN
    credential expires (None without TURN): the configured STUN/ICE servers
    plus the TURN relays with a fresh credential."""
    servers = list(settings.ROOM_ICE_SERVERS)
    if not (settings.TURN_SECRET and settings.TURN_URLS):
        return servers, None
    username, credential, expires = turn_credentials(secret=settings.TURN_SECRET, ttl=settings.TURN_TTL_SECONDS)
    servers.append({"urls": list(settings.TURN_URLS), "username": username, "credential": credential})
    return servers, expires


def janus_turn_response(key: str) -> dict | None:
    """What Janus's `turn_rest_api` expects (the TURN REST API draft's
    {username, password, ttl, uris}) for a Janus presenting `key`; None
    unless the key is JANUS_TURN_REST_KEY and TURN is configured. The
    credential is minted like a browser's: at most an hour."""
    expected = settings.JANUS_TURN_REST_KEY
    if not (expected and settings.TURN_SECRET and settings.TURN_URLS):
        return None
    if not hmac.compare_digest(key.encode(), expected.encode()):
        return None
    username, credential, _ = turn_credentials(secret=settings.TURN_SECRET, ttl=settings.TURN_TTL_SECONDS)
    return {"username": username, "password": credential, "ttl": settings.TURN_TTL_SECONDS,
            "uris": list(settings.TURN_URLS)}
