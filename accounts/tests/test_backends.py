from accounts.roles import is_facilitator
from accounts.tests.factories import UserFactory, role_grant


def test_a_superuser_holds_every_permission(db):
    superuser = UserFactory(is_superuser=True)
    assert superuser.has_perm("accounts.manage_programme")
    assert superuser.has_perm("signups.change_booking")


def test_an_inactive_person_holds_none(facilitator):
    facilitator.is_active = False
    assert not is_facilitator(facilitator)


def test_a_role_granted_shows_on_a_fresh_user_object(practitioner):
    from accounts.models import User

    assert not is_facilitator(practitioner)
    role_grant(user=practitioner, role="facilitator")
    assert not is_facilitator(practitioner)  # this request's answer stands
    assert is_facilitator(User.objects.get(pk=practitioner.pk))  # the next request's


def test_object_permissions_are_not_granted(facilitator):
    assert facilitator.get_all_permissions(obj=object()) == set()


def test_the_signed_in_person_is_read_as_the_orm_reads_them(db):
    """Every field as `get(pk=...)` reads it, the inactive refused as
    ModelBackend refuses them, and an unknown or malformed id is nobody."""
    from django.db.models import Max

    from accounts.backends import RoleBackend
    from accounts.models import User

    backend = RoleBackend()
    people = [UserFactory(), UserFactory(is_staff=True, is_superuser=True), UserFactory(is_active=False)]
    people[0].set_password("a long passphrase")
    people[0].save()
    for person in people:
        expected = User.objects.get(pk=person.pk)
        read = backend.get_user(str(person.pk))
        if not person.is_active:
            assert read is None
            continue
        assert read is not None
        assert read._state.adding is False
        assert [getattr(read, f.attname) for f in User._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in User._meta.concrete_fields]
        assert read.get_session_auth_hash() == expected.get_session_auth_hash()
    nobody = User.objects.aggregate(top=Max("pk"))["top"] + 1
    assert backend.get_user(nobody) is None
    assert backend.get_user("not a number") is None
