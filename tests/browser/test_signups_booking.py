"""Booking the last place, the waiting list and promotion, in a real browser."""

import pytest

from accounts.tests.factories import UserFactory
from signups.tests.factories import GroupSessionFactory, PeerGroupFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cancelled_place_goes_to_the_first_person_waiting(page, browser, live_server):
    session = GroupSessionFactory(group=PeerGroupFactory(title="Tuesday reflective group", capacity=1))
    first, second = UserFactory(display_name="Ash"), UserFactory(display_name="Bea")
    session_url = f"{live_server.url}/sessions/{session.code}/"

    sign_in(page, live_server.url, first)
    page.goto(session_url)
    assert page.get_by_text("1 place left").is_visible()
    page.get_by_role("button", name="Book a place").click()
    assert page.get_by_text("Your place is booked.").is_visible()
    assert page.get_by_role("button", name="Go to the room").is_visible()  # online: joined from here
    assert_accessible(page)

    other = browser.new_context(viewport={"width": 390, "height": 844})
    other.set_default_timeout(10_000)
    page_b = other.new_page()
    try:
        sign_in(page_b, live_server.url, second)
        page_b.goto(session_url)
        assert page_b.get_by_text("This session is full.").is_visible()
        page_b.get_by_role("button", name="Join the waiting list").click()
        assert page_b.get_by_text("You are number 1 in line").is_visible()

        page.goto(f"{live_server.url}/my-sessions/")
        card = page.locator("li.nhsuk-card", has_text="Tuesday reflective group")
        card.get_by_role("link", name="Cancel my place").click()
        assert page.get_by_role("heading", name="Are you sure you want to cancel your place?").is_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Yes, cancel my place").click()
        assert page.get_by_text("Your place is cancelled.").is_visible()
        assert page.get_by_text("You have no places booked.").is_visible()

        page_b.goto(f"{live_server.url}/my-sessions/")
        assert page_b.get_by_text("A place came up for you").is_visible()
        card_b = page_b.locator("li.nhsuk-card", has_text="Tuesday reflective group")
        assert card_b.get_by_text("Place confirmed").is_visible()
    finally:
        other.close()
