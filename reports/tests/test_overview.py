"""The installation overview page and its CSV: only the installation admin
(a superuser with two-factor authentication) sees them; each programme's row
is its own report's headline; the total hides what subtraction would give
away; the cost is the same with 1 programme as with 50."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ProgrammeAdminFactory, UserFactory
from audit.models import AuditEvent
from core.testing import queries_for
from groups.formats import Format
from programmes.models import Programme, default_programme_pk
from programmes.tests.factories import ProgrammeFactory
from reports import selectors
from reports.overview import build_overview, overview_counts
from reports.periods import LONDON, Period, PeriodKind
from reports.report import build_report
from reports.tests.factories import BookingFactory, FeedbackFactory, GroupSessionFactory, ParticipantFactory
from reports.tests.pages import page_tables
from reports.tests.queries import overview_queries
from signups.models import Booking

pytestmark = pytest.mark.django_db

MAY = Period(PeriodKind.MONTH, 2025, 5)
QUERY = {"kind": "month", "year": "2025", "month": "5"}
URLS = [reverse("reports:overview"), reverse("reports:overview_csv")]
PARTICIPATION = "Participation by programme, May 2025"


@pytest.fixture
def installation_admin(db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(superuser, generate_totp_secret())
    return superuser


@pytest.fixture
def national(db):
    return Programme.objects.get(pk=default_programme_pk())


@pytest.fixture
def trust(db):
    return ProgrammeFactory(name="Trust B Schwartz Rounds")


def _held(programme, *, attended: int, no_show: int = 0, day: int = 5, group_format: str = Format.SCHWARTZ):
    start = datetime(2025, 5, day, 12, tzinfo=LONDON)
    session = GroupSessionFactory(group__programme=programme, group__format=group_format, starts_at=start,
                                  ends_at=start + timedelta(hours=1))
    outcomes = [Booking.Attendance.ATTENDED] * attended + [Booking.Attendance.NO_SHOW] * no_show
    for outcome in outcomes:
        BookingFactory(session=session, user=ParticipantFactory(), attendance=outcome)
    return session


def _read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _counted(counts: selectors.Counts) -> selectors.Counts:
    return {row: figures for row, figures in counts.items() if any(figures.values())}


def test_each_count_by_programme_is_that_programmes_own(national, trust):
    """by_programme (one query for every programme) agrees with each
    programme's own figures in every breakdown, new participants included;
    a programme with nothing to count has no row."""
    march = datetime(2025, 3, 5, 12, tzinfo=LONDON)
    returning = ParticipantFactory()
    BookingFactory(session=GroupSessionFactory(group__programme=national, starts_at=march,
                                               ends_at=march + timedelta(hours=1)),
                   user=returning, attendance=Booking.Attendance.ATTENDED)
    FeedbackFactory(session=_held(national, attended=9, no_show=2), helpfulness=4)
    trusts = _held(trust, attended=8, day=7)
    BookingFactory(session=trusts, user=returning, attendance=Booking.Attendance.ATTENDED)
    FeedbackFactory(session=trusts, helpfulness=2)
    ProgrammeFactory()  # nothing to count
    now = timezone.now()
    for counts, dimensions in ((selectors.booking_counts, selectors.BOOKING_DIMENSIONS),
                               (selectors.session_counts, selectors.SESSION_DIMENSIONS),
                               (selectors.feedback_counts, selectors.SESSION_DIMENSIONS)):
        for dimension in [None, *dimensions]:
            by_programme = counts(period=MAY, now=now, dimension=dimension, by_programme=True)
            assert {pk for pk, _row in _counted(by_programme)} == {national.pk, trust.pk}, counts.__name__
            for programme in (national, trust):
                own = counts(period=MAY, now=now, dimension=dimension, programmes=[programme.pk])
                mine = {row: figures for (pk, row), figures in by_programme.items() if pk == programme.pk}
                assert _counted(mine) == _counted(own), (counts.__name__, dimension, programme.name)
    calendar = selectors.session_calendar_counts(period=MAY, by_programme=True)
    for programme in (national, trust):
        assert {cell: figures for (pk, cell), figures in calendar.items() if pk == programme.pk} == (
            selectors.session_calendar_counts(period=MAY, programmes=[programme.pk]))
    trust_people = selectors.booking_counts(period=MAY, now=now, by_programme=True)[(trust.pk, selectors.ALL)]
    # All nine are new to the trust: the returning person's earlier session was in the national programme.
    assert (trust_people["participants"], trust_people["new"]) == (9, 9)


def test_it_is_404_to_everyone_but_the_installation_admin(client, national, trust):
    trust_admin = ProgrammeAdminFactory(programmes=[trust])
    both_admin = ProgrammeAdminFactory(programmes=[trust, national])
    for person in (None, UserFactory(), trust_admin, both_admin):
        if person:
            client.force_login(person)
        for url in URLS:
            assert client.get(url, QUERY).status_code == 404, (person, url)
    assert not AuditEvent.objects.filter(action__startswith="report.overview").exists()


def test_a_superuser_without_two_factor_is_sent_to_set_it_up(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for url in URLS:
        response = client.get(url, QUERY)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")


def test_each_programmes_row_is_its_own_reports_headline(client, installation_admin, national, trust):
    _held(national, attended=30, no_show=3)
    _held(trust, attended=12)
    _held(trust, attended=0, no_show=9, day=6)
    client.force_login(installation_admin)
    table = page_tables(client.get(reverse("reports:overview"), QUERY).content.decode())[PARTICIPATION]
    now = timezone.now()
    for programme in (national, trust):
        headline = {label: cell.text for label, cell in
                    [(c.measure.label, c) for c in build_report(period=MAY, now=now,
                                                                programmes=[programme.pk]).total.values()]}
        for (row, column), text in table.items():
            if row == programme.name:
                assert text == headline[column], (programme.name, column)
    assert table[(national.name, "Did not attend")] == "*"
    assert table[(trust.name, "Did not attend")] == "10"
    # National's hidden no-shows are in the total: the total is hidden too.
    assert table[("All programmes", "Did not attend")] == "*"
    assert table[("All programmes", "Sessions held")] == "3"
    assert table[("All programmes", "Participants")] == "40"  # 42 people attended


def _published(cells) -> dict[str, object]:
    return {cell.measure.slug: cell.value for cell in cells}


def test_a_headline_figure_a_breakdown_hides_is_hidden_here_too(client, installation_admin, national, trust):
    """All the trust's attendances are at its Schwartz Round, whose 3 no-shows
    are hidden; its format table then hides the round's attendances (its
    row would give the no-shows away) and so "All formats" attendances (the
    column's only other parts are 0). The trust's report hides its headline
    attendances, though its whole-period figures alone (10 of 21 places)
    would show them: its overview row must hide them too."""
    _held(trust, attended=10, no_show=3)
    _held(trust, attended=0, no_show=8, day=6, group_format=Format.BALINT)
    _held(national, attended=30, no_show=3)
    now = timezone.now()
    own = {programme.pk: _published(build_report(period=MAY, now=now, programmes=[programme.pk]).total.values())
           for programme in Programme.objects.all()}
    assert own[trust.pk]["attended"] is None
    assert own[trust.pk]["places_booked"] == 20
    overview = build_overview(period=MAY, now=now)
    for table in overview.tables:
        for row in table.rows[:-1]:
            shown = _published(row.cells)
            assert shown == {slug: own[row.key][slug] for slug in shown}, (table.slug, row.label)
    client.force_login(installation_admin)
    page = page_tables(client.get(reverse("reports:overview"), QUERY).content.decode())[PARTICIPATION]
    assert page[(trust.name, "Attendances")] == "*"
    assert page[("All programmes", "Attendances")] == "*"


def test_the_csv_holds_exactly_the_pages_figures(client, installation_admin, national, trust):
    _held(national, attended=30, no_show=3)
    _held(trust, attended=12)
    client.force_login(installation_admin)
    page = page_tables(client.get(reverse("reports:overview"), QUERY).content.decode())
    response = client.get(reverse("reports:overview_csv"), QUERY)
    assert response["Content-Disposition"] == 'attachment; filename="programmes-2025-05.csv"'
    rows = _read_csv(response)
    assert rows[0] == ["Table", "Breakdown", "Measure", "Value"]
    from_csv = {(caption, row, measure): value for caption, row, measure, value in rows[1:]}
    from_page = {(caption, row, column): text for caption, cells in page.items()
                 for (row, column), text in cells.items()}
    assert from_csv == from_page
    assert ("Participation by programme, May 2025", trust.name, "Attendances") in from_csv


def test_a_programme_name_that_looks_like_a_formula_is_plain_text(client, installation_admin, national):
    ProgrammeFactory(name="=HYPERLINK(1)")
    client.force_login(installation_admin)
    rows = _read_csv(client.get(reverse("reports:overview_csv"), QUERY))
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows)


def test_a_bad_period_is_an_error_not_a_crash(client, installation_admin):
    client.force_login(installation_admin)
    page = client.get(reverse("reports:overview"), {"kind": "month", "year": "x\x00"})
    assert page.status_code == 200
    assert "Year must be a number" in page.content.decode()
    assert client.get(reverse("reports:overview_csv"), {"kind": "nonsense"}).status_code == 400


def test_opening_it_is_recorded(client, installation_admin):
    client.force_login(installation_admin)
    for url in URLS:
        assert client.get(url, QUERY).status_code == 200
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"report.overview",
                                                                        "report.overview_export"}


def test_the_reports_page_links_to_it_for_the_installation_admin_only(client, installation_admin, trust):
    link = reverse("reports:overview")
    client.force_login(installation_admin)
    assert link in client.get(reverse("reports:index")).content.decode()
    client.force_login(ProgrammeAdminFactory(programmes=[trust]))
    assert link not in client.get(reverse("reports:index")).content.decode()


def test_it_costs_the_same_with_fifty_programmes(client, installation_admin, national):
    """Every programme's full figures (each breakdown) in the queries of one report, plus the installation's."""
    _held(national, attended=9)
    client.force_login(installation_admin)
    client.get(reverse("reports:overview"), QUERY)
    before = [queries_for(lambda url=url: client.get(url, QUERY)) for url in URLS]
    assert queries_for(lambda: overview_counts(period=MAY, now=timezone.now())) == overview_queries()
    for n in range(49):
        programme = ProgrammeFactory()
        _held(programme, attended=n % 10, no_show=n % 3, day=1 + n % 28,
              group_format=[Format.SCHWARTZ, Format.BALINT][n % 2])
    client.get(reverse("reports:overview"), QUERY)  # the rollups catch up with the new rows
    after = [queries_for(lambda url=url: client.get(url, QUERY)) for url in URLS]
    print(f"overview page and CSV: {before} queries with 1 programme, {after} with 50")
    assert after == before
    assert queries_for(lambda: overview_counts(period=MAY, now=timezone.now())) == overview_queries()
    assert len(build_overview(period=MAY, now=timezone.now()).tables[0].rows) == 51
