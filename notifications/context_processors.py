from notifications.selectors import unread_count


class _UnreadCount:
    """Counted only if a template uses it, and at most once a request."""

    def __init__(self, user):
        self.user = user
        self.value = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = unread_count(user=self.user)
        return self.value


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": _UnreadCount(user)}
