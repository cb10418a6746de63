"""Deleting an account: personal data goes, anonymous totals stay.

The person row itself stays, anonymised, because past bookings (kept for
attendance totals until the retention purge summarises them) point at it and
reports count them by its coarse categories: profession, career stage and
region. Everything that identifies the person, or that they wrote, goes.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from groups.models import PeerGroup
from privacy.policy import Erase, erase_action, linked_rows, user_foreign_keys
from privacy.selectors import sole_facilitated_groups

ERASED_NAME = "Former member"
DB_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


class ErasureRefused(Exception):
    def __init__(self, message: str, *, groups: Iterable[PeerGroup] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.groups = list(groups)


def is_erased(user: User) -> bool:
    return not user.is_active and user.email.startswith("erased-") and user.email.endswith("@invalid")


@transaction.atomic
def account_erase(*, user: User, now: datetime | None = None) -> None:
    """Erase `user`'s personal data (see privacy.policy for each kind).
    Refused while they alone facilitate a draft or published group. Erasing
    an erased account changes nothing."""
    now = now or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        return
    groups = list(sole_facilitated_groups(user=user))
    if groups:
        raise ErasureRefused(
            "You are the only facilitator of a group that is still running. Hand your groups to a "
            "co-facilitator first, or archive them, then delete your account.", groups=groups,
        )
    # Recorded first, while the person's role is still known.
    audit_record(actor=user, action="account.erase", obj=user, at=now)
    _cancel_places_to_come(user, now=now)
    _end_signed_in_sessions(user, now=now)
    for key, field in user_foreign_keys():
        action = erase_action(key, field)
        if action == Erase.DELETE:
            linked_rows(field, user).delete()
        elif action == Erase.NULL:
            linked_rows(field, user).update(**{field.name: None})
    _anonymise(user)


def _cancel_places_to_come(user: User, *, now: datetime) -> None:
    """Through sign-ups' own service, so the first person waiting gets the place."""
    from signups.errors import SignupRefused
    from signups.models import Booking
    from signups.services import booking_cancel

    places = Booking.objects.filter(
        user=user, status__in=(Booking.Status.CONFIRMED, Booking.Status.WAITLISTED), session__ends_at__gt=now
    ).order_by("session_id")  # the lock order sign-ups uses everywhere
    for booking in places:
        try:
            booking_cancel(booking=booking, now=now)
        except SignupRefused:
            pass  # the session has started: a past booking, kept like the others


def _end_signed_in_sessions(user: User, *, now: datetime) -> None:
    """Sign the person out everywhere. Sessions in a store we cannot list
    (cache, signed cookies) also end: the unusable password set below changes
    the hash every session is checked against."""
    if apps.is_installed("allauth.usersessions"):
        for user_session in apps.get_model("usersessions", "UserSession").objects.filter(user=user):
            user_session.end()
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    pk = str(user.pk)
    for session in store.get_model_class().objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get(SESSION_KEY) == pk:
            store(session.session_key).delete()


def _anonymise(user: User) -> None:
    user.email = f"erased-{secrets.token_hex(8)}@invalid"
    user.display_name = ERASED_NAME
    user.organisation = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    # Kept: profession, career stage and region (coarse categories reports
    # count by), and when the account was created and onboarded.
    user.save()
