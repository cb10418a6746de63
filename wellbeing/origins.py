"""Which pages may open our WebSockets: the site's own origins only, compared
by scheme, host and port. (Channels' AllowedHostsOriginValidator compares the
host alone, so a page served from another port of an allowed host, e.g.
http://127.0.0.1:9999, could open a room with the visitor's cookies.)

The site's origins are SITE_URL and CSRF_TRUSTED_ORIGINS (which may name
`*.example.nhs.uk` subdomains, as for Django's CSRF check); in DEBUG also the
connection's own Host header (any `manage.py serve --port`), if ALLOWED_HOSTS
allows that host. A missing, "null" or unparseable Origin is refused.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import is_same_domain, split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # scheme, host, port


def parse_origin(url: str) -> Origin | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
        return None
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme]


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _own_host_origin(scope) -> Origin | None:
    """In DEBUG: the origin of a page served by this very server."""
    host = _header(scope, b"host")
    if not host or not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return parse_origin(f"{scheme}://{host}")


def is_site_origin(origin: str | None, scope) -> bool:
    claimed = parse_origin(origin) if origin else None
    if claimed is None:
        return False
    for url in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        subdomains = "://*." in url
        allowed = parse_origin(url.replace("://*.", "://", 1))
        if allowed is None:
            continue
        scheme, host, port = allowed
        if claimed == allowed or (
            subdomains and claimed[0] == scheme and claimed[2] == port and is_same_domain(claimed[1], "." + host)
        ):
            return True
    return settings.DEBUG and claimed == _own_host_origin(scope)


class SiteOriginValidator:
    """ASGI middleware for WebSockets: refuse the handshake (403) unless the
    Origin header is one of the site's own origins."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if is_site_origin(_header(scope, b"origin"), scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
