"""Browse with several programmes: each card names its programme, and a
"Programme" filter offers the programmes the person may join. With one
programme, neither."""

import pytest
from django.urls import reverse

from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
from programmes.tests.factories import ProgrammeFactory

BROWSE = reverse("groups:browse")


def _group(programme, title):
    group = PeerGroupFactory(programme=programme, title=title)
    GroupSessionFactory(group=group)
    return group


@pytest.fixture
def groups(national, trust):
    return {"national": _group(national, "A national group"), "trust": _group(trust, "A trust group"),
            "elsewhere": _group(ProgrammeFactory(name="Elsewhere Rounds"), "An elsewhere group")}


def test_one_programme_shows_no_programme_names_and_no_filter(client, practitioner, national):
    _group(national, "A national group")
    client.force_login(practitioner)
    page = client.get(BROWSE).content.decode()
    assert "A national group" in page
    assert 'name="programme"' not in page
    assert ">Programme<" not in page


def test_with_several_each_card_names_its_programme(client, trust_practitioner, groups, national, trust):
    client.force_login(trust_practitioner)
    page = client.get(BROWSE).content.decode()
    assert ">Programme</dt>" in page
    assert national.name in page
    assert trust.name in page


def test_the_filter_offers_only_the_programmes_they_may_join(client, trust_practitioner, groups, trust):
    client.force_login(trust_practitioner)
    page = client.get(BROWSE).content.decode()
    assert 'name="programme"' in page
    assert f'value="{trust.code}"' in page
    assert "Elsewhere Rounds" not in page
    assert groups["elsewhere"].programme.code not in page


def test_filtering_by_programme_shows_only_its_groups(client, trust_practitioner, groups, trust):
    client.force_login(trust_practitioner)
    page = client.get(BROWSE, {"programme": trust.code}).content.decode()
    assert "A trust group" in page
    assert "A national group" not in page


def test_another_programmes_code_is_ignored_and_reveals_nothing(client, trust_practitioner, groups):
    client.force_login(trust_practitioner)
    page = client.get(BROWSE, {"programme": groups["elsewhere"].programme.code}).content.decode()
    assert "An elsewhere group" not in page
    assert "A trust group" in page  # as if no programme had been chosen
    assert "A national group" in page


@pytest.mark.parametrize("value", ["", "x" * 500, "\x00", "'; --"])
def test_malformed_programme_values_are_dropped(value, client, trust_practitioner, groups):
    client.force_login(trust_practitioner)
    response = client.get(BROWSE, {"programme": value})
    assert response.status_code == 200
    assert "A trust group" in response.content.decode()


def test_someone_eligible_for_one_programme_gets_no_filter_but_sees_the_names(client, practitioner, groups,
                                                                              national):
    client.force_login(practitioner)
    page = client.get(BROWSE).content.decode()
    assert 'name="programme"' not in page
    assert ">Programme</dt>" in page
    assert "A trust group" not in page


def test_signed_out_visitors_choose_among_national_programmes_only(client, groups, national, trust):
    trust.all_nhs_staff = True
    trust.save()
    page = client.get(BROWSE).content.decode()
    assert f'value="{trust.code}"' in page
    assert f'value="{national.code}"' in page
    assert groups["elsewhere"].programme.code not in page
