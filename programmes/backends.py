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

from django.contrib.auth.models import Permission
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from accounts.backends import RoleBackend
from programmes.models import ProgrammeRole, Role

_CACHE = "_role_permissions"
_ROLES_CACHE = "_programme_roles"
_MARK = "programme-role"  # first column of a programme role's row in the UNION

# The global permission each programme role carries.
ROLE_PERMISSIONS = {
    Role.ADMIN: "accounts.manage_programme",
    Role.FACILITATOR: "accounts.facilitate_groups",
}


def roles_load(user) -> None:
    """Read this person's permissions and programme roles in one query and
    keep them on the user object for the rest of the request."""
    permissions = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .order_by()
        .values_list("content_type__app_label", "codename")
    )
    roles = (
        ProgrammeRole.objects.filter(user=user).order_by()
        .annotate(mark=Value(_MARK, output_field=CharField()),
                  held=Concat("role", Value(":"), Cast("programme_id", CharField()), output_field=CharField()))
        .values_list("mark", "held")
    )
    granted: set[str] = set()
    held: dict[str, set[int]] = {role: set() for role in Role.values}
    for first, second in permissions.union(roles).order_by():
        if first == _MARK:
            role, programme_id = second.split(":")
            held[role].add(int(programme_id))
            granted.add(ROLE_PERMISSIONS[role])
        else:
            granted.add(f"{first}.{second}")
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
