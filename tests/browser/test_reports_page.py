"""A programme admin's journey through the participation reports, by visible
labels, on a desktop and a phone: the page leads with the headline figures
and a trend chart, the detailed tables open on demand, the month and quarter
lists show only for their type of period (with and without JavaScript), the
figures download as CSV, and every state is axe clean."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from accounts.tests.factories import ProgrammeAdminFactory
from groups.formats import Format
from groups.models import GroupSession
from reports.periods import LONDON
from reports.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking
from tests.browser.conftest import assert_accessible, sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


def _a_year_of_sessions() -> None:
    for month, group_format in ((3, Format.BALINT), (7, Format.SCHWARTZ), (8, Format.SCHWARTZ),
                                (9, Format.SCHWARTZ), (11, Format.SCHWARTZ)):
        start = datetime(2025, month, 12, 12, tzinfo=LONDON)
        session = GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), group__format=group_format)
        BookingFactory.create_batch(12, session=session, attendance=Booking.Attendance.ATTENDED)
    start = datetime(2025, 8, 19, 12, tzinfo=LONDON)
    GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), status=GroupSession.Status.CANCELLED)


def _open_reports(page, base_url: str) -> None:
    page.goto(base_url + "/")
    reports = page.get_by_role("link", name="Reports", exact=True)
    if not reports.is_visible():  # on a phone the menu keeps it under "More"
        page.get_by_role("button", name="More").click()
    reports.click()
    page.wait_for_url("**/reports/")


def _choose_period(page, kind: str, year: str, *, quarter: str | None = None) -> None:
    page.get_by_role("radio", name=kind).check()
    if quarter:
        page.get_by_role("combobox", name="Quarter").select_option(label=quarter)
    page.get_by_role("textbox", name="Year").fill(year)
    page.get_by_role("button", name="Show figures").click()


def _lists_shown(page) -> tuple[bool, bool]:
    """Whether the month and the quarter lists are visible."""
    return (page.get_by_role("combobox", name="Month").is_visible(),
            page.get_by_role("combobox", name="Quarter").is_visible())


def _page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@SIZES
def test_a_programme_admin_reads_the_headlines_then_opens_a_detailed_table(page, live_server, size):
    page.set_viewport_size(size)
    _a_year_of_sessions()
    sign_in(page, live_server.url, ProgrammeAdminFactory())
    _open_reports(page, live_server.url)
    assert page.get_by_role("heading", name="Participation reports").is_visible()
    assert page.get_by_role("heading", name="Headline figures").is_visible()
    assert_accessible(page)

    # Only the list for the chosen type of period shows.
    assert _lists_shown(page) == (True, False)
    page.get_by_role("radio", name="Quarter (3 months)").check()
    assert _lists_shown(page) == (False, True)
    _choose_period(page, "Quarter (3 months)", "2025", quarter="July to September")
    page.wait_for_url("**/reports/?*kind=quarter*")
    assert page.get_by_role("heading", name="Participation reports July to September 2025").is_visible()
    assert not page.get_by_role("combobox", name="Month").is_visible()

    # Headline figures first: sessions exactly, people rounded.
    headlines = page.locator(".app-headlines")
    assert headlines.get_by_text("Sessions held", exact=True).is_visible()
    held = headlines.locator(".app-headline").filter(has_text="Sessions held")
    assert held.locator("dd").inner_text() == "3"
    cancelled = headlines.locator(".app-headline").filter(has_text="Sessions cancelled")
    assert cancelled.locator("dd").inner_text() == "1"
    assert page.get_by_role("heading", name="Attendances by month").is_visible()
    assert page.locator("svg.app-chart").first.is_visible()

    # The chart's figures as a table, on demand.
    chart_table = page.get_by_role("table", name="Attendances by month")
    assert not chart_table.is_visible()
    page.get_by_text("Show the chart's figures as a table").click()
    assert chart_table.is_visible()
    august = chart_table.get_by_role("row").filter(has_text="August 2025")
    assert "10" in august.inner_text()

    # Detailed tables stay closed until asked for.
    by_format = page.get_by_role("table", name="Participation by format, July to September 2025")
    assert not by_format.is_visible()
    page.get_by_text("Participation by format", exact=True).click()
    assert by_format.is_visible()
    schwartz = by_format.get_by_role("row").filter(has_text="Schwartz Round")
    assert "35" in schwartz.inner_text()  # 36 attendances, rounded
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "participation-2025-q3.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert ["Participation by month, July to September 2025", "August 2025", "Attendances", "10"] in rows
    assert ["Participation by month, July to September 2025", "All months", "Sessions cancelled", "1"] in rows


@SIZES
def test_the_quarter_page_is_short_until_tables_are_opened(page, live_server, size):
    """Before: 10,531 px on a desktop and 32,726 px on a phone, all tables open."""
    page.set_viewport_size(size)
    _a_year_of_sessions()
    sign_in(page, live_server.url, ProgrammeAdminFactory())
    page.goto(live_server.url + "/reports/?kind=quarter&year=2025&quarter=3")
    closed = _page_height(page)
    for summary in page.locator("details.nhsuk-details > summary").all():
        summary.click()
    opened = _page_height(page)
    print(f"quarter page at {size['width']} px wide: {closed} px, every table open: {opened} px")
    assert closed < (3_300 if size is DESKTOP else 3_600)
    assert opened > 3 * closed
    # Wide tables scroll inside their own box; the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") == size["width"]


def test_the_period_lists_follow_the_type_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    violations = watch_csp(page)
    try:
        sign_in(page, live_server.url, ProgrammeAdminFactory())
        page.goto(live_server.url + "/reports/")
        assert _lists_shown(page) == (True, False)
        page.get_by_role("radio", name="Year", exact=True).check()
        assert _lists_shown(page) == (False, False)
        page.get_by_role("radio", name="Quarter (3 months)").check()
        assert _lists_shown(page) == (False, True)
        page.get_by_role("combobox", name="Quarter").select_option(label="January to March")
        page.get_by_role("textbox", name="Year").fill("2025")
        page.get_by_role("button", name="Show figures").click()
        page.wait_for_url("**/reports/?*kind=quarter*")
        assert page.get_by_role("heading", name="Participation reports January to March 2025").is_visible()
        page.get_by_text("Participation by month", exact=True).click()  # details open without JavaScript
        assert page.get_by_role("table", name="Participation by month, January to March 2025").is_visible()
    finally:
        context.close()
    assert violations == []
