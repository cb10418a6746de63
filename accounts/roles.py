"""Roles are Django auth groups carrying our permissions.

Every verified person is a practitioner; facilitator and programme admin are
granted with `manage.py role grant|revoke ROLE EMAIL`.
"""

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission

FACILITATOR = "facilitator"
PROGRAMME_ADMIN = "programme_admin"

ROLES = {
    FACILITATOR: ("Facilitators", ["accounts.facilitate_groups"]),
    PROGRAMME_ADMIN: ("Programme admins", ["accounts.manage_programme"]),
}


def auth_group_for(role: str) -> AuthGroup:
    name, _ = ROLES[role]
    return AuthGroup.objects.get(name=name)


def role_groups_ensure(**_kwargs) -> None:
    """Create the role groups with their permissions if missing. Runs after
    every migrate (and so after a test database flush, which empties tables
    that the data migration filled)."""
    for name, perms in ROLES.values():
        group, _ = AuthGroup.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)


def is_facilitator(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.facilitate_groups")


def is_programme_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_programme")
