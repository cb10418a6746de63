"""A facilitator changes a published group's time: the check page says what
will happen, Go back keeps what was typed, Confirm moves the booked session."""

from datetime import time

import pytest
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, UserFactory
from groups.recurrence import ScheduleSpec
from groups.services import schedule_save, session_cancel
from groups.tests.factories import GroundRulesFactory, PeerGroupFactory, a_future_weekday
from signups.models import Booking
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_checks_then_confirms_a_new_time_and_the_booking_moves(page, live_server):
    facilitator = FacilitatorFactory()
    group = PeerGroupFactory(title="Tuesday evening group", facilitators=[facilitator], membership="open")
    GroundRulesFactory(group=group, version=1)
    schedule_save(group=group, spec=ScheduleSpec("weekly", a_future_weekday(1), time(18, 30), count=4))
    first, second = group.sessions.order_by("starts_at")[:2]
    booking = Booking.objects.create(session=first, user=UserFactory(), status="confirmed")
    session_cancel(session=second)

    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/groups/{group.code}/edit/")
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("End time").fill("20:15")
    page.get_by_role("button", name="Save changes").click()

    page.get_by_role("heading", name="Check the changes to the sessions").wait_for()
    changes = page.get_by_test_id("schedule-changes").inner_text()
    assert "3 sessions will move from Tuesday 6:30pm to Tuesday 7pm" in changes
    assert "1 person with a place or on the waiting list will be told the old and new time" in changes
    assert "1 cancelled session stays as it is" in changes
    assert_accessible(page)

    page.get_by_role("button", name="Go back").click()
    assert page.get_by_label("Start time").input_value() == "19:00"
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Confirm and save").click()
    page.get_by_text("Changes saved.").wait_for()

    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert timezone.localtime(booking.session.starts_at).time() == time(19, 0)
    assert page.get_by_text("7pm to 8:15pm").count() == 3
