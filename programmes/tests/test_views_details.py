"""Creating a programme (installation admins) and editing its details (its admins)."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from programmes.models import Invitation, Programme


def _edit(programme) -> str:
    return reverse("programmes:edit", args=[programme.code])


CREATE = {"name": "Derby Schwartz Rounds", "email_domains": "uhdb.nhs.uk", "all_nhs_staff": "",
          "organisations": "RTG University Hospitals of Derby and Burton\nrx1 Nottingham University Hospitals",
          "admin_email": "lead@uhdb.nhs.uk"}


def test_an_installation_admin_creates_a_programme_and_invites_its_first_admin(
        installation_admin, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:create"), CREATE)
    programme = Programme.objects.get(name="Derby Schwartz Rounds")
    assert response.status_code == 302
    assert response.url == _edit(programme)
    assert programme.email_domains == "uhdb.nhs.uk"
    assert not programme.all_nhs_staff
    assert sorted(programme.organisations.values_list("ods_code", "name")) == [
        ("RTG", "University Hospitals of Derby and Burton"), ("RX1", "Nottingham University Hospitals")]
    invitation = Invitation.objects.get(programme=programme)
    assert (invitation.email, invitation.role) == ("lead@uhdb.nhs.uk", "programme_admin")
    assert mail.outbox[-1].to == ["lead@uhdb.nhs.uk"]
    assert set(AuditEvent.objects.filter(object_code__in=[programme.code, invitation.code])
               .values_list("action", flat=True)) == {"programme.create", "invitation.send.programme_admin"}


@pytest.mark.parametrize("who", ["programme_admin", "facilitator", "practitioner"])
def test_nobody_else_may_create_programmes(who, client, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("programmes:create")).status_code == 404
    assert client.post(reverse("programmes:create"), CREATE).status_code == 404
    assert not Programme.objects.filter(name=CREATE["name"]).exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"name": ""}, "Enter the programme&#x27;s name"),
    ({"name": "x" * 121}, "Enter a name of 120 characters or fewer"),
    ({"admin_email": "not an address"}, "Enter an email address in the correct format"),
    ({"email_domains": "nhs.uk, *.uk"}, "Not a domain: *.uk"),
    ({"email_domains": "javascript:alert(1)"}, "Not a domain"),
    ({"organisations": "RX1"}, "Line 1: enter each organisation"),
    ({"organisations": "RX1 A trust\nRX1 The same code"}, "Line 2"),
    ({"organisations": "R\x00X1 A trust"}, "There is a problem"),
    ({"organisations": "x" * 30001}, "Enter at most 30,000 characters"),
])
def test_bad_input_shows_the_error_summary_and_creates_nothing(change, message, installation_admin, client):
    response = client.post(reverse("programmes:create"), {**CREATE, **change})
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert message in page
    assert not Programme.objects.filter(name__startswith="Derby").exists()
    assert not Invitation.objects.exists()


def test_a_name_already_used_is_refused_whatever_its_case(installation_admin, client, trust):
    response = client.post(reverse("programmes:create"), {**CREATE, "name": trust.name.upper()})
    assert "A programme with this name already exists" in response.content.decode()
    assert Programme.objects.count() == 2  # the default one and the trust's


DETAILS = {"name": "Trust B Schwartz Rounds", "email_domains": "trustb.nhs.uk", "organisations": "RX1 Neighbours",
           "contact_email": "wellbeing@trustb.nhs.uk", "contact_phone": "0115 496 0000",
           "contact_url": "https://trustb.nhs.uk/wellbeing", "ground_rules_default": "What is said here stays here."}


def test_a_programme_admin_edits_its_details(client, trust, trust_admin):
    client.force_login(trust_admin)
    page = client.get(_edit(trust)).content.decode()
    assert "trustb.nhs.uk" in page
    assert 'name="all_nhs_staff"' not in page  # a national programme is the installation admin's decision
    response = client.post(_edit(trust), {**DETAILS, "all_nhs_staff": "on"})
    assert response.status_code == 302
    trust.refresh_from_db()
    assert (trust.contact_email, trust.contact_phone, trust.ground_rules_default) == (
        "wellbeing@trustb.nhs.uk", "0115 496 0000", "What is said here stays here.")
    assert not trust.all_nhs_staff
    assert list(trust.organisations.values_list("ods_code", "name")) == [("RX1", "Neighbours")]
    assert AuditEvent.objects.filter(action="programme.update", object_code=trust.code, actor=trust_admin).exists()


def test_an_installation_admin_may_open_a_programme_to_all_nhs_staff(installation_admin, client, trust):
    client.post(_edit(trust), {**DETAILS, "all_nhs_staff": "on"})
    trust.refresh_from_db()
    assert trust.all_nhs_staff


def test_removing_every_organisation_empties_the_list(client, trust, trust_admin):
    client.force_login(trust_admin)
    client.post(_edit(trust), DETAILS)
    client.post(_edit(trust), {**DETAILS, "organisations": ""})
    assert not trust.organisations.exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"contact_url": "http://trustb.nhs.uk"}, "Enter a web address starting with https://"),
    ({"contact_url": "javascript:alert(1)"}, "Enter a web address starting with https://"),
    ({"contact_phone": "call me"}, "Enter a phone number"),
    ({"ground_rules_default": "x" * 6001}, "Enter ground rules of 6,000 characters or fewer"),
    ({"contact_email": "nope"}, "Enter an email address in the correct format"),
])
def test_bad_details_change_nothing(change, message, client, trust, trust_admin):
    client.force_login(trust_admin)
    before = Programme.objects.filter(pk=trust.pk).values().get()
    response = client.post(_edit(trust), {**DETAILS, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Programme.objects.filter(pk=trust.pk).values().get() == before


def test_another_programmes_name_is_refused(client, trust, trust_admin, national):
    client.force_login(trust_admin)
    response = client.post(_edit(trust), {**DETAILS, "name": national.name})
    assert "A programme with this name already exists" in response.content.decode()


@pytest.mark.parametrize("who", ["programme_admin", "facilitator", "practitioner", "trust_facilitator"])
def test_anyone_but_its_admins_gets_404(who, client, trust, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_edit(trust)).status_code == 404
    assert client.post(_edit(trust), DETAILS).status_code == 404
    trust.refresh_from_db()
    assert trust.contact_email == ""


def test_the_programmes_page_links_to_each_programmes_pages(client, trust, trust_admin):
    client.force_login(trust_admin)
    page = client.get(reverse("programmes:index")).content.decode()
    for name in ("edit", "signposts", "people"):
        assert reverse(f"programmes:{name}", args=[trust.code]) in page
    assert reverse("programmes:create") not in page
