"""`@audited`: record that a facilitator or admin opened personal data."""

from collections.abc import Callable
from functools import wraps

from audit.services import audit_record


def audited(action: str, *, object_type: str = "", kwarg: str = "code") -> Callable:
    """Record an audit event when the view succeeds (status below 400), naming
    the object by the URL's `kwarg` (its public code). A view that refuses
    (404, 403) or fails records nothing: nothing was seen.

        @login_required
        @require_GET
        @audited("roster.view", object_type="groups.groupsession")
        def roster(request, code): ...
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated and response.status_code < 400:
                audit_record(
                    actor=request.user, action=action, request=request,
                    object_type=object_type, object_code=str(kwargs.get(kwarg, "")),
                )
            return response

        return wrapper

    return decorator
