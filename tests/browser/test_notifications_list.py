"""A booking's confirmation reaches the person's notifications page, read on
arrival (unread means "needs you"); a session moved is new until they mark it
read; they choose their reminders, without JavaScript needing to work."""

from datetime import timedelta

import pytest

from accounts.tests.factories import UserFactory
from groups.services import session_move
from notifications.delivery import notifications_send_due
from notifications.models import Preference
from notifications.tests.factories import GroupSessionFactory
from tests.browser.conftest import assert_accessible, sign_in
from wellbeing.celery import app as celery_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _celery_eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_a_booking_confirmation_is_listed_read_and_a_move_is_new_until_marked(page, live_server, mailoutbox):
    session = GroupSessionFactory(group__title="Thursday reflective group")
    person = UserFactory(display_name="Ash")
    sign_in(page, live_server.url, person)
    page.goto(f"{live_server.url}/sessions/{session.code}/")
    page.get_by_role("button", name="Book a place").click()
    assert len(mailoutbox) == 1

    page.goto(f"{live_server.url}/notifications/")
    item = page.locator(".app-notifications li")
    assert item.count() == 1
    assert "Place booked: Thursday reflective group" in item.inner_text()
    assert item.get_by_text("New").count() == 0  # what they did themselves
    assert page.locator(".nhsuk-header").get_by_text("unread").count() == 0

    session_move(session=session, starts_at=session.starts_at + timedelta(hours=1),
                 ends_at=session.ends_at + timedelta(hours=1))
    notifications_send_due()
    page.goto(f"{live_server.url}/notifications/")
    moved = page.locator(".app-notifications li", has_text="Session moved")
    assert moved.get_by_text("New").is_visible()
    assert_accessible(page)
    moved.get_by_role("button", name="Mark as read").click()
    assert page.locator(".app-notifications li").get_by_text("New").count() == 0


def test_choosing_reminders_on_a_phone(page, live_server):
    person = UserFactory()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, person)
    page.goto(f"{live_server.url}/notifications/reminders/")
    assert_accessible(page)
    page.get_by_label("A reminder the day before").uncheck()
    page.get_by_role("button", name="Save your choices").click()
    assert page.get_by_text("Your reminder choices are saved.").is_visible()
    preference = Preference.objects.get(user=person)
    assert (preference.reminder_24h, preference.reminder_1h) == (False, True)
