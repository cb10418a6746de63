"""Reads of sign-ups. Other apps' pages use these to show a person's state."""

from collections.abc import Iterable

from groups.models import GroupSession, PeerGroup
from signups.models import Booking, Membership


def bookings_for_user(*, user, sessions: Iterable[GroupSession]) -> dict[int, Booking]:
    """This person's booking (any status) for each of these sessions, by session id."""
    ids = [s.pk for s in sessions]
    if not user.is_authenticated or not ids:
        return {}
    return {b.session_id: b for b in Booking.objects.filter(user=user, session_id__in=ids)}


def membership_for_user(*, user, group: PeerGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group=group).first()
