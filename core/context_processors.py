from django.conf import settings

from accounts.middleware import seconds_until_idle_timeout
from accounts.roles import is_facilitator, is_programme_admin


def service(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "session_seconds_left": seconds_until_idle_timeout(request) if signed_in else None,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "is_facilitator": bool(user and is_facilitator(user)),
        "is_programme_admin": bool(user and is_programme_admin(user)),
    }
