"""The programme pages in Debian Chromium, checked with axe: an
installation admin creates a programme; its admin edits who may join and
its "Need help now?" entries, which a practitioner of a listed organisation
then finds; an admin of two programmes moves a new group between them."""

import pytest
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, ProgrammeAdminFactory, UserFactory
from groups.tests.factories import PeerGroupFactory
from programmes.models import Invitation, Programme, default_programme_pk
from programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_installation_admin_creates_a_programme(page, live_server):
    admin = ProgrammeAdminFactory(email="root@nhs.net", display_name="Root", is_superuser=True, is_staff=True,
                                  onboarded_at=timezone.now())
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + "/programmes/")
    page.get_by_role("link", name="Create a programme").click()
    page.get_by_label("Organisations (optional)").fill("RX1")
    page.get_by_role("button", name="Create the programme and send the invitation").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "Enter the programme's name" in summary.inner_text()
    assert "Line 1" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Name").fill("Derby Schwartz Rounds")
    page.get_by_label("Organisations (optional)").fill("RTG University Hospitals of Derby and Burton")
    page.get_by_label("Its first admin's email address").fill("lead@uhdb.nhs.uk")
    page.get_by_role("button", name="Create the programme and send the invitation").click()
    page.get_by_role("heading", name="Details and who may join").wait_for()
    assert_accessible(page)
    programme = Programme.objects.get(name="Derby Schwartz Rounds")
    assert Invitation.objects.filter(programme=programme, email="lead@uhdb.nhs.uk").exists()


def test_a_programme_admin_edits_its_entries_and_a_listed_organisations_staff_see_them(page, browser, live_server):
    trust = ProgrammeFactory(name="St Elsewhere Schwartz Rounds", email_domains="stelsewhere.nhs.uk")
    admin = ProgrammeAdminFactory(email="dee@stelsewhere.nhs.uk", display_name="Dee", programmes=[trust])
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + f"/programmes/{trust.code}/")
    page.get_by_label("Organisations (optional)").fill("ZZ901 Elsewhere Community Health NHS Trust")
    page.get_by_role("button", name="Save details").click()
    page.get_by_text("Programme details saved.").wait_for()

    page.get_by_role("link", name='"Need help now?" entries').first.click()
    for name, detail in (("Staff hub", "Drop in, weekdays"), ("Occupational health", "Call 0115 496 0123")):
        page.get_by_label("Name").fill(name)
        page.get_by_label("What it offers and how to reach it").fill(detail)
        page.get_by_role("button", name="Add the entry").click()
        page.get_by_text(f"{name} added.").wait_for()
    page.get_by_role("button", name="Move up Occupational health").click()
    page.get_by_text("Occupational health moved up.").wait_for()
    assert_accessible(page)

    neighbour = UserFactory(email="lee@nhs.net", display_name="Lee", organisation="ZZ901")
    other = browser.new_context()
    try:
        them = other.new_page()
        them.set_default_timeout(10_000)
        sign_in(them, live_server.url, neighbour)
        them.goto(live_server.url + "/help/")
        text = them.locator("main").inner_text()
        assert "From St Elsewhere Schwartz Rounds" in text
        assert text.index("Occupational health") < text.index("Staff hub")
        assert_accessible(them)
    finally:
        other.close()


def test_an_admin_of_two_programmes_moves_a_new_group(page, live_server):
    national = Programme.objects.get(pk=default_programme_pk())
    trust = ProgrammeFactory(name="St Elsewhere Schwartz Rounds")
    ruth = FacilitatorFactory(display_name="Ruth", programmes=[national, trust])
    group = PeerGroupFactory(title="A new Round", facilitators=[ruth], programme=national)
    admin = ProgrammeAdminFactory(display_name="Priya", programmes=[national, trust])
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + f"/groups/{group.code}/manage/")
    page.get_by_role("link", name="Move to another programme").click()
    page.get_by_role("button", name="Move the group").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert_accessible(page)
    page.get_by_label("St Elsewhere Schwartz Rounds").check()
    page.get_by_role("button", name="Move the group").click()
    page.get_by_text("A new Round is now in St Elsewhere Schwartz Rounds.").wait_for()
    group.refresh_from_db()
    assert group.programme_id == trust.pk
