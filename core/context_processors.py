from django.conf import settings

from accounts.roles import is_facilitator, is_programme_admin


def service(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "is_facilitator": bool(user and is_facilitator(user)),
        "is_programme_admin": bool(user and is_programme_admin(user)),
    }
