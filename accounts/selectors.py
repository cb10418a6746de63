"""Reads about people."""

import hashlib
import unicodedata

from django.db.models import Q

from accounts.models import User


def display_name_key(name: str) -> str:
    """What a name looks like: NFKC, case and runs of spaces ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def display_name_taken_in_groups(*, user: User, name: str) -> bool:
    """Whether someone else in one of this person's groups (facilitating it,
    a member of it, or holding or queueing for a place at its sessions)
    already goes by a name that looks the same.

    The related managers' models are used rather than imported: accounts is
    the bottom layer, and groups and signups build on it."""
    Membership, Booking = user.memberships.model, user.bookings.model
    accepted, active = Membership.Status.ACCEPTED, [Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]
    group_ids = set(user.facilitated_groups.values_list("pk", flat=True))
    group_ids |= set(user.memberships.filter(status=accepted).values_list("group_id", flat=True))
    group_ids |= set(user.bookings.filter(status__in=active).values_list("session__group_id", flat=True))
    if not group_ids:
        return False
    others = (
        User.objects.exclude(pk=user.pk)
        .filter(
            Q(facilitated_groups__in=group_ids)
            | Q(memberships__group__in=group_ids, memberships__status=accepted)
            | Q(bookings__session__group__in=group_ids, bookings__status__in=active)
        )
        .values_list("display_name", flat=True)
        .distinct()
    )
    key = display_name_key(name)
    return any(display_name_key(other) == key for other in others)


# Letters and digits nobody confuses (no 0/O, 1/I/L): read aloud or typed.
TAG_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def name_tag(name_code: str) -> str:
    """Four characters derived from a person's random `name_code`: stable,
    and saying nothing about who they are (not their id, email or sign-up
    order). Two people with one display name differ here but for about one
    pair in a million."""
    digest = hashlib.sha256(f"name-tag:{name_code}".encode()).digest()
    return "".join(TAG_ALPHABET[b % len(TAG_ALPHABET)] for b in digest[:4])


def public_name(user: User, *, fallback: str = "A member") -> str:
    """How others see a person wherever names are listed together (room,
    roster, register): their display name and tag, "Sam (K7QD)"."""
    return f"{user.display_name or fallback} ({name_tag(user.name_code)})"
