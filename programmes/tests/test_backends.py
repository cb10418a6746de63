from accounts.models import User
from accounts.roles import is_facilitator, is_programme_admin
from accounts.tests.factories import FacilitatorFactory, role_grant
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
