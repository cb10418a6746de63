"""Roles are Django auth groups carrying our permissions.

Every verified person is a practitioner; facilitator and programme admin are
granted with `manage.py role grant|revoke ROLE EMAIL`.
"""

from django.contrib.auth.models import Group as AuthGroup

FACILITATOR = "facilitator"
PROGRAMME_ADMIN = "programme_admin"

ROLES = {
    FACILITATOR: ("Facilitators", ["accounts.facilitate_groups"]),
    PROGRAMME_ADMIN: ("Programme admins", ["accounts.manage_programme"]),
}


def auth_group_for(role: str) -> AuthGroup:
    name, _ = ROLES[role]
    return AuthGroup.objects.get(name=name)


def is_facilitator(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.facilitate_groups")


def is_programme_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_programme")
