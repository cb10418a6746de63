from typing import cast

from django.http import HttpRequest

from accounts.models import User


def person(request: HttpRequest) -> User:
    """The signed-in person (every view using this is behind @login_required)."""
    return cast(User, request.user)
