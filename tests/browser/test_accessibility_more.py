"""Keyboard-only booking and axe checks of the two-factor pages."""

import pytest

from accounts.tests.factories import FacilitatorFactory, UserFactory
from signups.tests.factories import GroupSessionFactory, PeerGroupFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, name: str, limit: int = 80) -> None:
    """Presses Tab until the focused element's visible text starts with `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if (page.evaluate("document.activeElement && document.activeElement.innerText.trim()") or "").startswith(name):
            return
    pytest.fail(f"could not reach {name!r} with the keyboard")


def test_booking_works_by_keyboard_alone(page, live_server):
    session = GroupSessionFactory(group=PeerGroupFactory(title="Keyboard group", capacity=4))
    sign_in(page, live_server.url, UserFactory())
    page.goto(f"{live_server.url}/sessions/{session.code}/")
    _tab_to(page, "Book a place")
    page.keyboard.press("Enter")
    page.get_by_text("Your place is booked.").wait_for()
    assert_accessible(page)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#maincontent"


def test_two_factor_pages_have_no_axe_violations(page, live_server):
    facilitator = FacilitatorFactory()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(facilitator.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    assert "/accounts/2fa/authenticate/" in page.url
    assert_accessible(page)  # the code step of signing in


def test_setting_up_two_factor_has_no_axe_violations(page, live_server):
    person = UserFactory()
    sign_in(page, live_server.url, person)
    page.goto(live_server.url + "/accounts/2fa/")
    assert_accessible(page)
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:
        page.get_by_label("Password").fill("correct-horse-battery")
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Authenticator code").wait_for()
    assert_accessible(page)
