from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import ROLES, auth_group_for


@transaction.atomic
def profile_save(*, user: User, data: dict) -> User:
    """Save profile answers; the first save completes onboarding."""
    for field in ("display_name", "profession", "career_stage", "region", "organisation"):
        setattr(user, field, data.get(field, ""))
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
    user.save()
    return user


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose from {', '.join(ROLES)}.")


@transaction.atomic
def role_grant(*, user: User, role: str) -> None:
    _check_role(role)
    user.groups.add(auth_group_for(role))


@transaction.atomic
def role_revoke(*, user: User, role: str) -> None:
    _check_role(role)
    user.groups.remove(auth_group_for(role))
