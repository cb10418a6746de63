"""axe-core finds no WCAG 2.2 AA violations on the foundation's pages."""

import pytest

from accounts.tests.factories import UserFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/", "/help/", "/privacy/", "/accessibility/", "/accounts/login/", "/accounts/signup/",
          "/accounts/password/reset/"]
SIGNED_IN = ["/", "/profile/", "/accounts/email/", "/accounts/password/change/", "/accounts/sessions/"]


def test_public_pages_have_no_axe_violations(page, live_server):
    for path in PUBLIC:
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_signed_in_pages_have_no_axe_violations(page, live_server):
    sign_in(page, live_server.url, UserFactory())
    for path in SIGNED_IN:
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_form_errors_have_no_axe_violations(page, live_server):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_role("button", name="Sign Up").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert_accessible(page)


def test_onboarding_has_no_axe_violations(page, live_server):
    newcomer = UserFactory(onboarded_at=None, display_name="")
    sign_in(page, live_server.url, newcomer)
    page.get_by_role("heading", name="Set up your profile").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert_accessible(page)


def test_the_checker_itself_catches_a_violation(page):
    from tests.browser.conftest import axe_violations

    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><a href="/"></a></main></html>')
    assert {"image-alt", "link-name"} <= {v["id"] for v in axe_violations(page)}
