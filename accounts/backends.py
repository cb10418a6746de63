"""allauth's authentication backend (email sign-in; a ModelBackend underneath),
with a person's roles read in one query. It is the only backend, so each
role question is answered once.

ModelBackend takes two queries (the person's own permissions, then their
groups') and keeps them in its private per-object caches. Ours reads both in
one query, only when something first asks for a role (the two-factor rule, a
view, the header), and keeps the answer on the user object of this request:
a role granted or removed takes effect on the next request.
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

_CACHE = "_role_permissions"


class RoleBackend(AuthenticationBackend):
    def get_user(self, user_id):
        """ModelBackend's: the signed-in person of every request, active, or
        None. Read with a statement made once (every column, so nothing is
        deferred; the ORM still converts the values and builds the object):
        `get(pk=...)` builds its query anew each time, twice the CPU."""
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(model._default_manager.raw(_user_sql(), [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None

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


@cache
def _user_sql() -> str:
    meta, quote = get_user_model()._meta, connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608


def _permissions_of(user) -> frozenset[str]:
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .order_by()
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)
