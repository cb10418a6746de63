"""A programme admin invites a facilitator by email; the invitee signs in
with that address and accepts (then must set up two-factor authentication);
someone else opening the link is told it is not theirs, in Debian Chromium."""

import pytest
from django.core import mail

from accounts.tests.factories import ProgrammeAdminFactory, UserFactory
from programmes.models import ProgrammeRole
from programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(base_url: str) -> str:
    body = mail.outbox[-1].body
    return base_url + "/programmes/invitations/" + body.split("/programmes/invitations/", 1)[1].split()[0]


def test_an_admin_invites_a_facilitator_who_accepts(page, browser, live_server):
    trust = ProgrammeFactory(name="St Elsewhere Schwartz Rounds", email_domains="stelsewhere.nhs.uk")
    admin = ProgrammeAdminFactory(email="dee@stelsewhere.nhs.uk", display_name="Dee", programmes=[trust])
    invitee = UserFactory(email="kim@stelsewhere.nhs.uk", display_name="Kim")
    stranger = UserFactory(email="sam@stelsewhere.nhs.uk", display_name="Sam")

    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + "/programmes/")  # "People" in the menu; on a phone under "More"
    page.get_by_role("link", name="Facilitators and admins").click()
    page.get_by_role("heading", name="Facilitators and admins").wait_for()
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_role("alert").or_(page.locator(".nhsuk-error-summary")).first.wait_for()
    assert "Enter an email address" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Email address").fill("kim@stelsewhere.nhs.uk")
    page.get_by_label("Facilitator").check()
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to kim@stelsewhere.nhs.uk").wait_for()
    assert "kim@stelsewhere.nhs.uk" in page.locator("main").inner_text()
    link = _link(live_server.url)

    other = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        them = other.new_page()
        them.set_default_timeout(10_000)
        sign_in(them, live_server.url, stranger)
        them.goto(link)
        them.get_by_text("sent to a different email address").wait_for()
        assert_accessible(them)
    finally:
        other.close()
    assert not ProgrammeRole.objects.filter(user=stranger).exists()

    invited = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        them = invited.new_page()
        them.set_default_timeout(10_000)
        sign_in(them, live_server.url, invitee)
        them.goto(link)
        them.get_by_role("heading", name="You are invited to be a facilitator").wait_for()
        assert_accessible(them)
        with them.expect_navigation():
            them.get_by_role("button", name="Accept the invitation").click()
        # A facilitator must set up two-factor authentication before going on
        # (allauth may first ask for the password again).
        assert "2fa%2Ftotp%2Factivate" in them.url or "/accounts/2fa/totp/activate/" in them.url, them.url
        assert "You are now a facilitator in St Elsewhere Schwartz Rounds" in them.locator("main").inner_text()
    finally:
        invited.close()
    assert ProgrammeRole.objects.filter(user=invitee, programme=trust, role="facilitator").exists()

    page.reload()
    assert "Kim" in page.locator("main").inner_text()
