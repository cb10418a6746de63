"""Walking the URL configuration and sorting responses into outcome categories."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "" for an unnamed pattern
    route: str  # the full pattern text, e.g. "groups/<code:code>/"
    module: str  # the view's module, to tell our apps from third-party ones
    kwargs: tuple[str, ...]  # the names of the captured arguments


def routes() -> list[Route]:
    """Every URL pattern of the project, through every include."""
    return list(_walk(get_resolver().url_patterns, "", ""))


def _walk(patterns, prefix: str, namespace: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(n for n in (namespace, entry.name) if n) if entry.name else ""
            callback = getattr(entry.callback, "view_class", entry.callback)
            kwargs = tuple(entry.pattern.regex.groupindex)
            yield Route(name, prefix + str(entry.pattern), callback.__module__, kwargs)


def outcome(client, method: str, path: str) -> str:
    """The response as a policy category: ok, login, admin-login, mfa,
    redirect, or the status code ("404", "405", "403"...). An exception the
    view let escape is "500: <exception>" so the mismatch names it."""
    try:
        response = getattr(client, method.lower())(path)
    except Exception as error:  # noqa: BLE001 - a 500 is exactly what the matrix reports
        return f"500: {type(error).__name__}: {error}"[:200]
    if response.status_code == 200:
        return "ok"
    if response.status_code in (301, 302):
        return _redirect_category(response["Location"])
    return str(response.status_code)


def _redirect_category(location: str) -> str:
    path = urlsplit(location).path
    if path == reverse("account_login"):
        return "login"
    if path == reverse("admin:login"):
        return "admin-login"
    if path in (reverse("mfa_activate_totp"), reverse("mfa_authenticate")):
        return "mfa"
    return "redirect"


# Values for third-party URLs' arguments: none of them names a real object,
# and nobody in the world is staff, so no page behind them should open.
THIRD_PARTY_VALUES = {"object_id": "1", "content_type_id": "1", "id": "1", "app_label": "groups",
                      "url": "nowhere/", "key": "not-a-key", "uidb36": "zz", "provider_id": "nhsmail"}


def path_for(route: Route, values: dict | None = None) -> str:
    """A path for any pattern, named or not, path() or re_path() style."""
    values = values or THIRD_PARTY_VALUES
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route.route)
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], text)
    return "/" + text.replace("^", "").replace("$", "")
