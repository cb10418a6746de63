"""The authentication backend: accounts' RoleBackend, with a person's roles
read from their programmes.

One query answers every role question of a request: the permissions of
their auth groups and their own (the Django admin's), and, in the same
UNION, each programme role they hold. A programme role also grants the
global permission of that role ("facilitates somewhere", "runs a
programme"), which the two-factor rule, the header and the "Groups I run"
page ask about; which groups it opens is asked per programme
(`programmes.access`). Kept on the user object of this request, like
RoleBackend: a role granted or removed takes effect on the next request.
"""

from django.db import connection

from accounts.backends import RoleBackend
from programmes.models import Role

_CACHE = "_role_permissions"
_ROLES_CACHE = "_programme_roles"

# The global permission each programme role carries.
ROLE_PERMISSIONS = {
    Role.ADMIN: "accounts.manage_programme",
    Role.FACILITATOR: "accounts.facilitate_groups",
}


# Every permission this person holds through their own grants and their auth
# groups (the Django admin's), then each programme role they hold, as rows of
# (app label, codename, None) and (None, role, programme id). A constant
# statement run through a cursor: it is asked on every signed-in request, and
# building the same query with the ORM costs ~10× its run time.
# `roles_orm_rows` (tests) is the same question in the ORM; the tests compare
# the two on many mixes of roles, permissions and groups.
_ROLES_SQL = """
    SELECT content_type.app_label, permission.codename, NULL
    FROM auth_permission permission
    JOIN django_content_type content_type ON content_type.id = permission.content_type_id
    WHERE permission.id IN (
        SELECT own.permission_id FROM accounts_user_user_permissions own WHERE own.user_id = %s
        UNION
        SELECT grouped.permission_id FROM auth_group_permissions grouped
        JOIN accounts_user_groups member ON member.group_id = grouped.group_id
        WHERE member.user_id = %s)
    UNION ALL
    SELECT NULL, role.role, role.programme_id FROM programmes_programmerole role WHERE role.user_id = %s
"""


def roles_load(user) -> None:
    """Read this person's permissions and programme roles in one query and
    keep them on the user object for the rest of the request."""
    with connection.cursor() as cursor:
        cursor.execute(_ROLES_SQL, [user.pk] * 3)
        rows = cursor.fetchall()
    granted: set[str] = set()
    held: dict[str, set[int]] = {role: set() for role in Role.values}
    for app_label, name, programme_id in rows:
        if app_label is None:
            held[name].add(programme_id)
            granted.add(ROLE_PERMISSIONS[name])
        else:
            granted.add(f"{app_label}.{name}")
    setattr(user, _CACHE, frozenset(granted))
    setattr(user, _ROLES_CACHE, {role: frozenset(ids) for role, ids in held.items()})


def programme_ids_of(user, role: str) -> frozenset[int]:
    """The programmes in which this person holds `role` (not for superusers:
    they hold every role everywhere, see programmes.access)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if getattr(user, _ROLES_CACHE, None) is None:
        roles_load(user)
    return getattr(user, _ROLES_CACHE)[role]


class ProgrammeRoleBackend(RoleBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if (not user_obj.is_active or user_obj.is_anonymous or obj is not None
                or user_obj.is_superuser):
            return super().get_all_permissions(user_obj, obj)
        if getattr(user_obj, _CACHE, None) is None:
            roles_load(user_obj)
        return set(getattr(user_obj, _CACHE))
