"""Receivers of the groups app's signals (imported, so connected, in
SignupsConfig.ready)."""

from django.dispatch import receiver

from groups.signals import capacity_changed, sessions_materialised
from signups.services import group_members_place, group_promote_waiting, session_promote_waiting


@receiver(sessions_materialised, dispatch_uid="signups.give_members_places")
def give_members_places(sender, *, group, sessions, **kwargs) -> None:
    """New sessions of a closed group: each member holds a place at them."""
    group_members_place(group=group, sessions=sessions)


@receiver(capacity_changed, dispatch_uid="signups.promote_waiting")
def promote_waiting(sender, *, group, session=None, **kwargs) -> None:
    """More places: the people waiting longest get them."""
    if session is not None:
        session_promote_waiting(session=session)
    else:
        group_promote_waiting(group=group)
