"""A person downloads their data and deletes their account, in a real browser."""

import json

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_downloads_their_data_then_deletes_their_account(page, live_server):
    person = UserFactory(display_name="Sam")
    sign_in(page, live_server.url, person)
    page.goto(live_server.url + "/privacy/you/")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    data = json.loads(download.value.path().read_text())
    assert data["profile"]["display_name"] == "Sam"

    page.get_by_role("link", name="Delete your account").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete my account").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("I understand that this deletes my account").check()
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_label("Password").fill("correct-horse-battery")  # allauth asks again
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your account has been deleted").wait_for()
    assert_accessible(page)
    assert not User.objects.get(pk=person.pk).is_active
    assert page.get_by_role("link", name="Sign in").is_visible()
