from accounts.models import User
from accounts.roles import is_facilitator, is_programme_admin
from accounts.tests.factories import FacilitatorFactory, UserFactory, role_grant
from programmes.access import admin_programme_ids, facilitator_programme_ids


def test_a_role_in_any_programme_is_the_global_role(trust_facilitator, trust):
    assert is_facilitator(trust_facilitator)
    assert not is_programme_admin(trust_facilitator)
    assert facilitator_programme_ids(trust_facilitator) == {trust.pk}


def test_roles_and_their_programmes_are_read_in_one_query(trust, national, django_assert_num_queries):
    person = FacilitatorFactory(programmes=[trust, national])
    role_grant(user=person, role="programme_admin", programme=trust)
    person = User.objects.get(pk=person.pk)
    with django_assert_num_queries(1):
        assert is_facilitator(person)
        assert is_programme_admin(person)
        assert facilitator_programme_ids(person) == {trust.pk, national.pk}
        assert admin_programme_ids(person) == {trust.pk}


def test_a_practitioner_holds_no_role_anywhere(practitioner):
    assert not is_facilitator(practitioner)
    assert facilitator_programme_ids(practitioner) == frozenset()


def test_an_inactive_person_holds_no_programme_role(trust_facilitator):
    trust_facilitator.is_active = False
    assert facilitator_programme_ids(trust_facilitator) == frozenset()
    assert not is_facilitator(trust_facilitator)


def _roles_in_the_orm(user) -> tuple[frozenset[str], dict[str, frozenset[int]]]:
    """The question `roles_load` asks in its one statement, asked of the ORM:
    the permissions of the person's own grants and auth groups, and each
    programme role they hold (with the global permission it carries)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from programmes.backends import ROLE_PERMISSIONS
    from programmes.models import ProgrammeRole, Role

    granted = {f"{app}.{codename}" for app, codename in Permission.objects.filter(
        Q(user=user) | Q(group__user=user)).values_list("content_type__app_label", "codename")}
    held: dict[str, set[int]] = {role: set() for role in Role.values}
    for role, programme_id in ProgrammeRole.objects.filter(user=user).values_list("role", "programme_id"):
        held[role].add(programme_id)
        granted.add(ROLE_PERMISSIONS[role])
    return frozenset(granted), {role: frozenset(ids) for role, ids in held.items()}


def test_the_one_statement_reads_what_the_orm_reads(national, trust):
    """Many random mixes of programme roles, own permissions and auth groups'
    (shared and overlapping), superusers and inactive people: the statement
    run through a cursor gives the same permissions and programme roles."""
    import random

    from django.contrib.auth.models import Group, Permission

    from programmes.backends import roles_load
    from programmes.models import Role
    from programmes.tests.factories import ProgrammeFactory

    rng = random.Random(20)
    programmes = [national, trust, *(ProgrammeFactory(name=f"Programme {i}") for i in range(3))]
    permissions = list(Permission.objects.order_by("?")[:12])
    groups = [Group.objects.create(name=f"Auth group {i}") for i in range(4)]
    for group in groups:
        group.permissions.set(rng.sample(permissions, rng.randint(0, 5)))
    people = []
    for i in range(60):
        person = UserFactory(is_superuser=rng.random() < 0.15, is_active=rng.random() > 0.2, is_staff=i % 7 == 0)
        person.user_permissions.set(rng.sample(permissions, rng.choice((0, 0, 1, 3))))
        person.groups.set(rng.sample(groups, rng.choice((0, 1, 2))))
        for programme in rng.sample(programmes, rng.choice((0, 1, 2, 3))):
            for role in rng.sample(Role.values, rng.randint(1, len(Role.values))):
                role_grant(user=person, role=role, programme=programme)
        people.append(person)
    kinds = set()
    for person in people:
        person = User.objects.get(pk=person.pk)
        roles_load(person)
        granted, held = _roles_in_the_orm(person)
        assert person._role_permissions == granted
        assert person._programme_roles == held
        kinds.add((bool(granted - {"accounts.facilitate_groups", "accounts.manage_programme"}),
                   any(held.values()), person.is_superuser, person.is_active))
    assert len(kinds) >= 12  # the mixes above did cover the cases
