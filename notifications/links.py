"""Absolute links for emails. Pages of other apps are resolved defensively:
a name that does not exist (yet) falls back to the group's page."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from groups.models import GroupSession, PeerGroup


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _first(*candidates: tuple[str, list[str]]) -> str | None:
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def group_link(group: PeerGroup) -> str:
    return absolute(_first(("groups:detail", [group.code])) or "/")


def session_link(session: GroupSession) -> str:
    """The session's own page, where its booking can be seen or changed."""
    path = _first(("signups:session", [session.code]), ("groups:detail", [session.group.code]))
    return absolute(path or "/")


def join_link(session: GroupSession) -> str:
    """Few steps from an email to the room: our room for online groups, the
    session's page otherwise (it shows the meeting link or the venue)."""
    if session.group.delivery == PeerGroup.Delivery.ONLINE:
        path = _first(("rooms:room", [session.code]))
        if path:
            return absolute(path)
    return session_link(session)


def feedback_link(session: GroupSession) -> str:
    path = _first(("signups:feedback", [session.code]))
    return absolute(path) if path else session_link(session)


def notifications_link() -> str:
    return absolute(reverse("notifications:list"))


def preferences_link() -> str:
    return absolute(reverse("notifications:preferences"))
