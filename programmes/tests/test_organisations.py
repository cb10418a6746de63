"""A programme open to listed organisations: people whose profile names one
of them (by its name or its ODS code) may see and join its groups."""

import pytest

from accounts.tests.factories import UserFactory
from groups.access import visible_groups
from groups.tests.factories import PeerGroupFactory
from programmes.access import eligible_programmes, is_eligible
from programmes.models import Organisation
from programmes.tests.factories import OrganisationFactory, ProgrammeFactory


@pytest.fixture
def hosted(db):
    """A trust's Schwartz Rounds, also open to a neighbouring trust's staff."""
    programme = ProgrammeFactory(name="Hosted Rounds", email_domains="host.nhs.uk")
    OrganisationFactory(programme=programme, ods_code="RX1", name="Nottingham University Hospitals NHS Trust")
    return programme


@pytest.mark.parametrize(("organisation", "eligible"), [
    ("Nottingham University Hospitals NHS Trust", True),
    ("  nottingham   university hospitals nhs trust ", True),  # case and spaces do not matter
    ("RX1", True),
    ("rx1", True),
    ("Nottingham University Hospitals", False),  # the whole name, or the code
    ("RX", False),
    ("RX1 ", True),
    ("", False),
    ("%", False),  # no pattern matching
    ("_X1", False),
])
def test_people_whose_profile_names_a_listed_organisation_are_eligible(organisation, eligible, hosted):
    person = UserFactory(email="someone@nhs.net", organisation=organisation)
    assert (hosted in eligible_programmes(person)) is eligible
    assert is_eligible(person, hosted) is eligible


def test_they_see_its_published_groups_and_not_its_drafts(hosted):
    person = UserFactory(organisation="RX1")
    published, draft = PeerGroupFactory(programme=hosted), PeerGroupFactory(programme=hosted, status="draft")
    seen = set(visible_groups(person))
    assert published in seen
    assert draft not in seen


def test_an_organisation_listed_by_another_programme_opens_only_that_one(hosted):
    other = ProgrammeFactory()
    OrganisationFactory(programme=other, ods_code="RTG", name="University Hospitals of Derby and Burton")
    person = UserFactory(organisation="RTG")
    assert other in eligible_programmes(person)
    assert hosted not in eligible_programmes(person)


def test_codes_are_kept_upper_case_and_names_with_single_spaces(hosted):
    organisation = Organisation.objects.create(programme=hosted, ods_code=" rtg ", name="  Derby   Hospitals ")
    organisation.refresh_from_db()
    assert (organisation.ods_code, organisation.name) == ("RTG", "Derby Hospitals")


def test_eligibility_stays_one_query_with_an_organisation(hosted, django_assert_num_queries):
    person = UserFactory(organisation="RX1")
    person.refresh_from_db()
    eligible_programmes(person)  # builds the query, runs nothing
    with django_assert_num_queries(1):
        assert list(eligible_programmes(person).filter(pk=hosted.pk)) == [hosted]
