"""The installation admin's overview of every programme, by visible labels:
reached from the reports page, a table per kind of figure with a row per
programme and the installation's total, axe clean on a desktop and a phone,
and the page never scrolls sideways."""

from datetime import datetime, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.tests.factories import UserFactory
from programmes.tests.factories import ProgrammeFactory
from reports.periods import LONDON
from reports.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


def _held(programme, *, attended: int, no_show: int) -> None:
    start = datetime(2025, 5, 12, 12, tzinfo=LONDON)
    session = GroupSessionFactory(group__programme=programme, starts_at=start, ends_at=start + timedelta(hours=1))
    BookingFactory.create_batch(attended, session=session, attendance=Booking.Attendance.ATTENDED)
    BookingFactory.create_batch(no_show, session=session, attendance=Booking.Attendance.NO_SHOW)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_installation_admin_compares_the_programmes(page, live_server, size):
    page.set_viewport_size(size)
    _held(ProgrammeFactory(name="Region A wellbeing"), attended=20, no_show=3)
    _held(ProgrammeFactory(name="Trust B Schwartz Rounds"), attended=9, no_show=10)
    admin = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(admin, generate_totp_secret())
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + "/reports/")
    page.get_by_role("link", name="Every programme side by side (installation overview)").click()
    page.wait_for_url("**/reports/programmes/")
    page.get_by_role("radio", name="Month", exact=True).check()
    page.get_by_role("combobox", name="Month").select_option(label="May")
    page.get_by_role("textbox", name="Year").fill("2025")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**/reports/programmes/?*kind=month*")
    assert page.get_by_role("heading", name="Installation overview May 2025").is_visible()

    table = page.get_by_role("table", name="Participation by programme, May 2025")
    column = table.locator("thead th").all_inner_texts()[1:].index("Did not attend")

    def did_not_attend(row: str) -> str:
        return table.get_by_role("row").filter(has_text=row).locator("td").nth(column).inner_text()

    assert did_not_attend("Trust B Schwartz Rounds").endswith("10")
    assert "*" in did_not_attend("Region A wellbeing")
    assert "*" in did_not_attend("All programmes")  # Region A's 3 are in it
    assert page.get_by_role("table", name="Feedback on helpfulness by programme, May 2025").is_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") == size["width"]
