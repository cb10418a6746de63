"""A programme admin reads the participation report in a browser: chooses a
period, sees a chart beside its table, and downloads the same figures."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from accounts.tests.factories import ProgrammeAdminFactory
from groups.formats import Format
from reports.periods import LONDON
from reports.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _a_year_of_sessions() -> None:
    for month, group_format in ((3, Format.BALINT), (7, Format.SCHWARTZ), (11, Format.SCHWARTZ)):
        start = datetime(2025, month, 12, 12, tzinfo=LONDON)
        session = GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), group__format=group_format)
        BookingFactory.create_batch(12, session=session, attendance=Booking.Attendance.ATTENDED)


def test_a_programme_admin_sees_charts_and_tables_and_downloads_the_csv(page, live_server):
    _a_year_of_sessions()
    sign_in(page, live_server.url, ProgrammeAdminFactory())
    page.goto(live_server.url + "/reports/")  # on a phone the menu link sits under "More"
    assert page.get_by_role("heading", name="Participation reports").is_visible()

    page.get_by_label("Year", exact=True).first.check()
    page.get_by_role("textbox", name="Year").fill("2025")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**/reports/?kind=year&year=2025*")

    assert page.locator("svg.app-chart").count() == 2
    assert page.locator("svg.app-chart").first.is_visible()
    by_month = page.get_by_role("table", name="Participation by month, January to December 2025")
    assert by_month.is_visible()
    july = by_month.get_by_role("row").filter(has_text="July 2025")
    assert "10" in july.inner_text()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "participation-2025.csv"
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Table", "Breakdown", "Measure", "Value"]
    assert ["Participation by month, January to December 2025", "July 2025", "Attendances", "10"] in rows
