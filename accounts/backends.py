"""allauth's authentication backend (email sign-in; a ModelBackend underneath),
with a person's roles read in one query. It is the only backend, so each
role question is answered once.

ModelBackend takes two queries (the person's own permissions, then their
groups') and keeps them in its private per-object caches. Ours reads both in
one query, only when something first asks for a role (the two-factor rule, a
view, the header), and keeps the answer on the user object of this request:
a role granted or removed takes effect on the next request.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

_CACHE = "_role_permissions"


class RoleBackend(AuthenticationBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        cached = getattr(user_obj, _CACHE, None)
        if cached is None:
            cached = _permissions_of(user_obj)
            setattr(user_obj, _CACHE, cached)
        return set(cached)


def _permissions_of(user) -> frozenset[str]:
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .order_by()
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)
