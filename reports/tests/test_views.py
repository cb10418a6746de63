import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from accounts.models import User
from core.testing import queries_for
from groups.formats import Format
from reports.periods import LONDON
from reports.tests.factories import BookingFactory, FeedbackFactory, GroupSessionFactory, ParticipantFactory
from reports.tests.pages import page_tables
from signups.models import Booking

pytestmark = pytest.mark.django_db

SPRING = {"kind": "quarter", "year": "2025", "quarter": "2"}
URLS = [reverse("reports:index"), reverse("reports:csv")]


def spring_programme(*, people: int, formats=(Format.BALINT, Format.SCHWARTZ, Format.WEBINAR)) -> None:
    """`people` participants, each booked into one session a month of a format."""
    sessions = [
        GroupSessionFactory(group__format=group_format, starts_at=start, ends_at=start + timedelta(hours=1))
        for group_format in formats
        for start in (datetime(2025, month, 10, 12, tzinfo=LONDON) for month in (4, 5, 6))
    ]
    outcomes = [Booking.Attendance.ATTENDED] * 3 + [Booking.Attendance.NO_SHOW]
    for i in range(people):
        person = ParticipantFactory()
        for j, session in enumerate(sessions[i % len(formats)::len(formats)]):
            BookingFactory(session=session, user=person, attendance=outcomes[(i + j) % len(outcomes)])
    for i in range(people // 2):
        FeedbackFactory(session=sessions[i % len(sessions)], helpfulness=1 + i % 5, comment=f"Private note {i}")


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("url", URLS)
def test_anonymous_people_get_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("person", ["practitioner", "facilitator", "outsider"])
def test_everyone_but_programme_admins_gets_404(client, request, url, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url, SPRING).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_it_rejects_post(client, programme_admin, url):
    client.force_login(programme_admin)
    assert client.post(url, SPRING).status_code == 405


def test_a_programme_admin_sees_the_last_complete_month_by_default(client, programme_admin):
    client.force_login(programme_admin)
    response = client.get(reverse("reports:index"))
    assert response.status_code == 200
    period = response.context["period"]
    assert period.kind == "month"
    assert response["Cache-Control"].startswith("max-age=0")
    assert f"participation.csv?kind=month&amp;year={period.year}&amp;month={period.number}" in response.text


def test_it_shows_figures_charts_and_tables_without_naming_anyone(client, programme_admin):
    spring_programme(people=30)
    client.force_login(programme_admin)
    response = client.get(reverse("reports:index"), SPRING)
    html = response.text
    assert "<title>Participation reports" in html
    assert html.count('<svg class="app-chart"') == 2
    assert 'aria-hidden="true" focusable="false"' in html
    tables = page_tables(html)
    assert tables["Participation by format, April to June 2025"][("All formats", "Attendances")] == "70"  # 68
    assert "Private note" not in html
    for person in User.objects.exclude(pk=programme_admin.pk):
        assert person.email not in html
        assert f">{person.display_name}<" not in html


def test_an_invalid_period_shows_errors_and_no_figures(client, programme_admin):
    client.force_login(programme_admin)
    response = client.get(reverse("reports:index"), {"kind": "month", "year": "2025"})
    assert response.status_code == 200
    assert "<title>Error: Participation reports" in response.text
    assert 'href="#id_month"' in response.text  # error summary links to the field
    assert "report" not in response.context


@pytest.mark.parametrize(
    "query",
    [{"kind": ["month", "year"], "year": "x"}, {"year": "9" * 400}, {"kind": "\x00"}, {"month": "-1", "kind": "month"}],
)
def test_malformed_periods_never_break_either_view(client, programme_admin, query):
    client.force_login(programme_admin)
    assert client.get(reverse("reports:index"), query).status_code == 200
    assert client.get(reverse("reports:csv"), query).status_code == 400


def test_the_page_needs_the_same_few_queries_whatever_the_data_size(client, programme_admin):
    client.force_login(programme_admin)

    def page():
        assert client.get(reverse("reports:index"), SPRING).status_code == 200

    def csv():
        assert client.get(reverse("reports:csv"), SPRING).status_code == 200

    page()  # the session's first request writes activity stamps
    spring_programme(people=5)
    page()  # and the first after new rows catches the rollups up
    small = (queries_for(page), queries_for(csv))
    spring_programme(people=60)
    page()
    assert (queries_for(page), queries_for(csv)) == small
    # 16 for the report itself (are the rollups up to date, then 15 reads of
    # them); the rest is sign-in, session, permissions and the audit record.
    assert small[0] <= 30


def test_the_csv_holds_exactly_the_figures_on_the_page(client, programme_admin):
    spring_programme(people=23)
    client.force_login(programme_admin)
    page = page_tables(client.get(reverse("reports:index"), SPRING).text)
    response = client.get(reverse("reports:csv"), SPRING)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="participation-2025-q2.csv"'
    header, *rows = read_csv(response)
    assert header == ["Table", "Breakdown", "Measure", "Value"]
    exported: dict[str, dict] = {}
    for table, breakdown, measure, value in rows:
        exported.setdefault(table, {})[(breakdown, measure)] = value
    assert exported == page
    assert any(value == "*" for table in page.values() for value in table.values())


def _section(html: str, marker: str) -> int:
    assert marker in html, marker
    return html.index(marker)


def test_the_page_leads_with_headlines_and_a_trend_and_keeps_tables_on_demand(client, programme_admin):
    spring_programme(people=30)
    client.force_login(programme_admin)
    html = client.get(reverse("reports:index"), SPRING).text
    headline, trend = _section(html, 'id="headline"'), _section(html, 'id="trend"')
    first_details = _section(html, '<details class="nhsuk-details app-report-details"')
    assert headline < trend < first_details
    # every report table sits inside its own closed details element
    assert html.count('<details class="nhsuk-details app-report-details"') == 7
    assert html.count("<table") == 8  # and the chart's own table
    assert "<details open" not in html
    # nonce CSP: no inline styles or scripts
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []


def test_a_quarter_charts_its_own_published_attendances(client, programme_admin):
    spring_programme(people=30)
    client.force_login(programme_admin)
    html = client.get(reverse("reports:index"), SPRING).text
    chart = page_tables(html, charts=True)["Attendances by month"]
    tables = page_tables(html)["Participation by month, April to June 2025"]
    for month in ("April 2025", "May 2025", "June 2025"):
        assert chart[(month, "Attendances")] == tables[(month, "Attendances")]
        assert chart[(month, "Sessions held")] == tables[(month, "Sessions held")] == "3"


def test_a_month_charts_the_sessions_of_the_six_months_to_it(client, programme_admin):
    for month, day in ((1, 5), (3, 9), (3, 16), (6, 2)):
        start = datetime(2025, month, day, 12, tzinfo=LONDON)
        GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    start = datetime(2025, 4, 1, 0, 30, tzinfo=LONDON)  # 23:30 UTC on 31 March: April in London
    GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), status="cancelled")
    start = datetime(2024, 12, 31, 12, tzinfo=LONDON)  # before the six months
    GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    client.force_login(programme_admin)
    html = client.get(reverse("reports:index"), {"kind": "month", "year": "2025", "month": "6"}).text
    chart = page_tables(html, charts=True)["Sessions held in the 6 months to June 2025"]
    held = [chart[(f"{m} 2025", "Sessions held")] for m in ("January", "February", "March", "April", "May", "June")]
    assert held == ["1", "0", "2", "0", "0", "1"]
    assert chart[("April 2025", "Sessions cancelled")] == "1"
    assert ("December 2024", "Sessions held") not in chart


def test_each_period_list_sits_under_its_own_type(client, programme_admin):
    client.force_login(programme_admin)
    html = client.get(reverse("reports:index"), SPRING).text
    month, quarter = _section(html, 'id="conditional-month"'), _section(html, 'id="conditional-quarter"')
    assert month < _section(html, 'id="id_month"') < _section(html, 'value="quarter"') < quarter
    assert quarter < _section(html, 'id="id_quarter"') < _section(html, 'value="year"')
