"""Absolute links for emails. A renamed page is an error at once (the email
tests build every kind), never a link quietly sent to the home page."""

from django.conf import settings
from django.urls import reverse

from groups.models import GroupSession, PeerGroup


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def group_link(group: PeerGroup) -> str:
    return absolute(reverse("groups:detail", args=[group.code]))


def session_link(session: GroupSession) -> str:
    """The session's own page, where its booking can be seen or changed."""
    return absolute(reverse("signups:session", args=[session.code]))


def join_link(session: GroupSession) -> str:
    """Few steps from an email to the room: our room for online groups, the
    session's page otherwise (it shows the meeting link or the venue)."""
    if session.group.delivery == PeerGroup.Delivery.ONLINE:
        return absolute(reverse("rooms:room", args=[session.code]))
    return session_link(session)


def applications_link(group: PeerGroup) -> str:
    return absolute(reverse("signups:applications", args=[group.code]))


def feedback_link(session: GroupSession) -> str:
    return absolute(reverse("signups:feedback", args=[session.code]))


def notifications_link() -> str:
    return absolute(reverse("notifications:list"))


def preferences_link() -> str:
    return absolute(reverse("notifications:preferences"))
