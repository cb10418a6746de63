"""Headers every response carries beyond Django's own.

- `Permissions-Policy`: every powerful browser feature off, on every page;
  a view that needs one (the live room: camera and microphone) allows it for
  this site only with `@allows_features(...)`.
- `Cache-Control: no-store` on every response to a signed-in person: what
  they see is theirs (sessions, rosters, registers, feedback, reports, their
  data), and neither a shared ward computer's browser cache nor a proxy may
  keep it. Applied here rather than view by view so that a new page cannot
  be forgotten. Static files are left cacheable: WhiteNoise answers them
  before authentication runs, so there is no signed-in person to see."""

from collections.abc import Callable
from functools import wraps

from django.utils.cache import add_never_cache_headers

# Features Chromium recognises (an unknown name is a console error there).
FEATURES = (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)


def permissions_policy(allowed: frozenset[str] = frozenset()) -> str:
    """The header value: `allowed` features for this site only, the rest off."""
    unknown = allowed - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown features: {sorted(unknown)}")
    return ", ".join(f"{f}=(self)" if f in allowed else f"{f}=()" for f in FEATURES)


DEFAULT_POLICY = permissions_policy()


def allows_features(*features: str) -> Callable:
    """Let this view's page use these features, for this site only."""
    value = permissions_policy(frozenset(features))

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Permissions-Policy"] = value
            return response

        return wrapper

    return decorator


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", DEFAULT_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
