"""A facilitator creates a recurring group and publishes it; a practitioner
finds it through the filters and opens its page, in Debian Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, UserFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Wednesday reflective practice"


def test_a_facilitator_publishes_a_group_and_a_practitioner_finds_it(page, browser, live_server):
    facilitator = FacilitatorFactory(display_name="Ruth")
    practitioner = UserFactory(display_name="Sam")
    first_date = timezone.localdate() + timedelta(days=9)

    sign_in(page, live_server.url, facilitator)
    page.get_by_role("link", name="Groups I run").first.click()
    page.get_by_role("button", name="Create a group").or_(page.get_by_role("link", name="Create a group")).click()
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Format").select_option("reflective")
    assert page.get_by_label("Places").input_value() == "8"  # the format's default, filled by the script
    page.get_by_label("Description").fill("A fortnightly space to think about work.")
    page.get_by_label("Open: book a place at each session").check()
    page.get_by_label("Weekly", exact=True).check()
    first = page.get_by_role("group", name="Date of the first session")
    first.get_by_label("Day").fill(str(first_date.day))
    first.get_by_label("Month").fill(str(first_date.month))
    first.get_by_label("Year").fill(str(first_date.year))
    page.get_by_label("Start time").fill("12:45")
    page.get_by_label("A set number of sessions").check()
    page.get_by_label("Number of sessions", exact=True).fill("6")
    page.get_by_role("button", name="Save as a draft").click()

    page.get_by_role("heading", name=TITLE).wait_for()
    assert page.locator("tbody tr").count() == 6
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Group published").wait_for()

    other = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        them = other.new_page()
        them.set_default_timeout(10_000)
        sign_in(them, live_server.url, practitioner)
        them.goto(live_server.url + "/groups/")
        them.get_by_text("Filter", exact=True).click()  # the filters are folded on a phone
        them.get_by_label("Format").select_option("reflective")
        them.get_by_label("Day of the week").select_option(str(first_date.isoweekday()))
        them.get_by_label("Time of day").select_option("afternoon")
        them.get_by_label("Only groups with places available").check()
        them.get_by_role("button", name="Search").click()
        them.get_by_text("1 group found").wait_for()
        assert_accessible(them)
        them.get_by_role("link", name=TITLE).click()

        them.get_by_role("heading", name=TITLE, level=1).wait_for()
        assert "Ruth" in them.locator("main").inner_text()
        assert facilitator.email not in them.content()
        them.get_by_role("heading", name="Upcoming sessions").wait_for()
        assert "12:45pm to 2pm" in them.locator("main").inner_text()
        assert_accessible(them)
    finally:
        other.close()
