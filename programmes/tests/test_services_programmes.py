"""The programme services check who may call them themselves, not only the views."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes.models import Programme
from programmes.services import programme_create, programme_update, signpost_add, signpost_move
from programmes.tests.factories import SignpostFactory


def test_only_installation_admins_create_programmes(trust_admin):
    with pytest.raises(PermissionDenied):
        programme_create(name="Mine", first_admin_email="a@b.nhs.uk", actor=trust_admin)
    assert not Programme.objects.filter(name="Mine").exists()


def test_a_programme_admin_cannot_make_their_programme_national(trust, trust_admin):
    with pytest.raises(PermissionDenied):
        programme_update(programme=trust, changes={"all_nhs_staff": True}, actor=trust_admin)
    trust.refresh_from_db()
    assert not trust.all_nhs_staff


def test_nor_change_another_programme(trust, programme_admin):
    with pytest.raises(PermissionDenied):
        programme_update(programme=trust, changes={"contact_phone": "0"}, actor=programme_admin)
    with pytest.raises(PermissionDenied):
        signpost_add(programme=trust, name="x", detail="y", actor=programme_admin)
    with pytest.raises(PermissionDenied):
        signpost_move(signpost=SignpostFactory(programme=trust), direction="up", actor=programme_admin)


def test_bad_domains_are_refused_by_the_service_too(trust, trust_admin):
    with pytest.raises(ValidationError) as refused:
        programme_update(programme=trust, changes={"email_domains": "*.uk"}, actor=trust_admin)
    assert "email_domains" in refused.value.error_dict


def test_an_entry_with_a_script_link_is_refused_by_the_service(trust, trust_admin):
    with pytest.raises(ValidationError):
        signpost_add(programme=trust, name="x", detail="y", href="javascript:alert(1)", actor=trust_admin)
    assert not trust.signposts.exists()


def test_the_organisation_list_is_replaced_as_a_whole(trust, trust_admin):
    programme_update(programme=trust, changes={}, organisations=[("rx1", "Trust A"), ("RTG", "Trust B")],
                     actor=trust_admin)
    programme_update(programme=trust, changes={}, organisations=[("RTG", "Trust B renamed")], actor=trust_admin)
    assert list(trust.organisations.values_list("ods_code", "name")) == [("RTG", "Trust B renamed")]


@pytest.mark.parametrize("organisations", [[("R", "Too short a code")], [("RX1", "")], [("RX1", "A"), ("rx1", "B")],
                                           [("RX1;--", "Injected")]])
def test_bad_organisations_are_refused_by_the_service_too(organisations, trust, trust_admin):
    with pytest.raises(ValidationError):
        programme_update(programme=trust, changes={"contact_phone": "0115 496 0000"}, organisations=organisations,
                         actor=trust_admin)
    trust.refresh_from_db()
    assert trust.contact_phone == ""
    assert not trust.organisations.exists()
