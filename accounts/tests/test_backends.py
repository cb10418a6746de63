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
