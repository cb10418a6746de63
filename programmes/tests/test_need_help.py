""""Need help now?": the national entries, then the entries of every
programme the person may join, and no other programme's."""

from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing import queries_for
from programmes.tests.factories import OrganisationFactory, ProgrammeFactory, SignpostFactory

HELP = reverse("need_help")


def _page(client, user=None) -> str:
    if user is not None:
        client.force_login(user)
    return client.get(HELP).content.decode()


def test_a_trusts_staff_see_its_entries_after_the_national_ones(client, settings, trust, trust_practitioner):
    settings.SIGNPOSTING = [{"name": "Samaritans", "detail": "Call 116 123", "href": "tel:116123"}]
    SignpostFactory(programme=trust, name="Trust B occupational health", position=2)
    SignpostFactory(programme=trust, name="Trust B staff hub", detail="Drop in any time", href="", position=1)
    page = _page(client, trust_practitioner)
    assert page.index("Samaritans") < page.index(f"From {trust.name}")
    assert page.index("Trust B staff hub") < page.index("Trust B occupational health")
    assert "Drop in any time" in page


def test_nobody_sees_the_entries_of_a_programme_they_may_not_join(client, trust, practitioner):
    SignpostFactory(programme=trust, name="Trust B occupational health")
    assert "Trust B occupational health" not in _page(client, practitioner)
    assert "Trust B occupational health" not in _page(client.__class__())  # signed out


def test_its_own_facilitators_see_its_entries_whatever_their_address(client, trust, trust_facilitator):
    trust_facilitator.email = "ruth@nhs.net"
    trust_facilitator.save()
    SignpostFactory(programme=trust, name="Trust B occupational health")
    assert "Trust B occupational health" in _page(client, trust_facilitator)


def test_eligibility_by_organisation_shows_the_entries_too(client, db):
    hosted = ProgrammeFactory(name="Hosted Rounds")
    OrganisationFactory(programme=hosted, ods_code="RX1", name="Neighbour Trust")
    SignpostFactory(programme=hosted, name="Hosted staff hub")
    assert "Hosted staff hub" in _page(client, UserFactory(organisation="rx1"))


def test_the_page_costs_the_same_however_many_programmes(client, trust_practitioner):
    client.force_login(trust_practitioner)
    client.get(HELP)
    before = queries_for(lambda: client.get(HELP))
    for _ in range(10):
        SignpostFactory(programme=ProgrammeFactory(all_nhs_staff=True))
    assert queries_for(lambda: client.get(HELP)) == before
