import pytest
from django.http import Http404

from groups.access import can_manage_group, facilitates, get_group_for_user, visible_groups
from groups.tests.factories import PeerGroupFactory
from programmes.access import eligible_programmes, get_administered_programme
from programmes.tests.factories import ProgrammeFactory


def test_a_national_programme_is_open_to_everyone(practitioner, national):
    assert national in eligible_programmes(practitioner)


@pytest.mark.parametrize(("email", "eligible"), [
    ("a@trustb.nhs.uk", True),  # exact
    ("a@ward.trustb.nhs.uk", True),  # *.trustb.nhs.uk
    ("a@TRUSTB.NHS.UK", True),
    ("a@nottrustb.nhs.uk", False),
    ("a@trustb.nhs.uk.evil.com", False),
    ("a@nhs.net", False),
])
def test_a_trust_programme_is_open_to_its_email_domains(email, eligible, trust):
    from accounts.tests.factories import UserFactory

    assert (trust in eligible_programmes(UserFactory(email=email))) is eligible


def test_its_own_people_are_eligible_whatever_their_address(trust, facilitator):
    from accounts.tests.factories import role_grant

    role_grant(user=facilitator, role="facilitator", programme=trust)
    assert trust in eligible_programmes(type(facilitator).objects.get(pk=facilitator.pk))


def test_a_group_of_a_programme_someone_is_not_eligible_for_is_404(practitioner, trust):
    group = PeerGroupFactory(programme=trust)
    assert group not in visible_groups(practitioner)
    with pytest.raises(Http404):
        get_group_for_user(practitioner, group.code)


def test_staff_of_the_trust_see_national_and_their_own_groups(trust_practitioner, trust, national):
    own, nationwide, other = (PeerGroupFactory(programme=trust), PeerGroupFactory(programme=national),
                              PeerGroupFactory(programme=ProgrammeFactory()))
    assert set(visible_groups(trust_practitioner)) == {own, nationwide}
    assert other.programme not in eligible_programmes(trust_practitioner)


def test_a_programme_admin_manages_only_their_programmes_groups(trust_admin, trust, national):
    own, national_group = PeerGroupFactory(programme=trust), PeerGroupFactory(programme=national,
                                                                              status="draft")
    assert can_manage_group(trust_admin, own)
    assert not can_manage_group(trust_admin, national_group)
    with pytest.raises(Http404):
        get_group_for_user(trust_admin, national_group.code)


def test_a_facilitator_removed_from_the_programme_no_longer_runs_its_groups(trust_facilitator, trust):
    from accounts.tests.factories import role_revoke

    group = PeerGroupFactory(programme=trust, facilitators=[trust_facilitator], status="draft")
    assert facilitates(trust_facilitator, group)
    role_revoke(user=trust_facilitator, role="facilitator", programme=trust)
    fresh = type(trust_facilitator).objects.get(pk=trust_facilitator.pk)
    assert not facilitates(fresh, group)
    assert group not in visible_groups(fresh)


def test_an_installation_admin_runs_every_programme(admin_user, trust):
    assert get_administered_programme(admin_user, trust.code) == trust
    assert PeerGroupFactory(programme=trust, status="draft") in visible_groups(admin_user)


def test_another_programmes_admin_gets_404_for_the_programme(trust_admin, national):
    with pytest.raises(Http404):
        get_administered_programme(trust_admin, national.code)
