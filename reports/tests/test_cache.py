"""Published reports kept in the cache (reports/cache.py): the next view
after any change to a figure shows the new figure; a change elsewhere keeps
the kept report; only published output is kept; with the cache unreachable
or per process (embedded), every page is still right. On SQLite (no
rollups) nothing is kept and every view computes."""

import pickle
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core import cache as tolerant
from programmes.models import Programme, default_programme_pk
from programmes.tests.factories import ProgrammeFactory
from reports import rollups, views
from reports.cache import unpack
from reports.models import RollupStamp
from reports.periods import LONDON
from reports.tests.factories import BookingFactory, GroupSessionFactory, ParticipantFactory
from reports.tests.pages import page_tables
from reports.tests.test_views import SPRING, read_csv, spring_programme
from signups.models import Booking

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reports-test"}}
UNREACHABLE = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:9/0",
                           "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
ATTENDANCES = ("Participation by format, April to June 2025", ("All formats", "Attendances"))


@pytest.fixture(params=["configured", "locmem", "unreachable"])
def kept(request):
    """The cache as configured (Redis when REDIS_URL is set), a per-process
    one (embedded mode) and a Redis that does not answer."""
    settings = {"configured": None, "locmem": LOCMEM, "unreachable": UNREACHABLE}[request.param]
    if settings is None:
        yield request.param
        return
    with override_settings(CACHES=settings):
        caches["default"].clear() if request.param == "locmem" else None
        yield request.param
    tolerant._down_until.clear()


def _attendances(client) -> str:
    return page_tables(client.get(reverse("reports:index"), SPRING).text)[ATTENDANCES[0]][ATTENDANCES[1]]


def _csv_attendances(client) -> str:
    rows = read_csv(client.get(reverse("reports:csv"), SPRING))
    return next(row[3] for row in rows if row[:3] == [ATTENDANCES[0], *ATTENDANCES[1]])


def test_a_corrected_register_shows_on_the_next_view(client, programme_admin, kept):
    spring_programme(people=30)
    client.force_login(programme_admin)
    assert _attendances(client) == _attendances(client) == "70"  # 68
    assert _csv_attendances(client) == _csv_attendances(client) == "70"
    attended = Booking.objects.filter(attendance=Booking.Attendance.ATTENDED).order_by("pk")
    Booking.objects.filter(pk__in=list(attended.values_list("pk", flat=True)[:20])).update(
        attendance=Booking.Attendance.NO_SHOW)
    assert _attendances(client) == "50"  # 48
    assert _csv_attendances(client) == "50"


def test_a_view_with_nothing_changed_is_served_from_the_cache(client, programme_admin, kept):
    spring_programme(people=12)
    client.force_login(programme_admin)
    with mock.patch.object(views, "_report_html", wraps=views._report_html) as page, \
            mock.patch.object(views, "_csv", wraps=views._csv) as export:
        first = client.get(reverse("reports:index"), SPRING).text
        second = client.get(reverse("reports:index"), SPRING).text
        client.get(reverse("reports:csv"), SPRING)
        client.get(reverse("reports:csv"), SPRING)
    assert page_tables(first) == page_tables(second)
    computed = (page.call_count, export.call_count)
    if not rollups.enabled() or kept == "unreachable":
        assert computed == (2, 2)  # nothing kept: every view computes
    else:
        assert computed == (1, 1)


@pytest.mark.skipif("not rollups.enabled()", reason="the rollups' stamps are PostgreSQL's")
def test_a_change_to_another_programme_or_month_keeps_the_kept_report(client, programme_admin):
    spring_programme(people=12)
    client.force_login(programme_admin)
    elsewhere = ProgrammeFactory()
    with mock.patch.object(views, "_report_html", wraps=views._report_html) as page:
        client.get(reverse("reports:index"), SPRING)
        may, september = (datetime(2025, month, 3, 9, tzinfo=LONDON) for month in (5, 9))
        hour = timedelta(hours=1)
        for session in (GroupSessionFactory(group__programme=elsewhere, starts_at=may, ends_at=may + hour),
                        GroupSessionFactory(starts_at=september, ends_at=september + hour)):
            BookingFactory(session=session, user=ParticipantFactory(), attendance=Booking.Attendance.ATTENDED)
        client.get(reverse("reports:index"), SPRING)
        assert page.call_count == 1
        session = GroupSessionFactory(starts_at=datetime(2025, 6, 3, 9, tzinfo=LONDON),
                                      ends_at=datetime(2025, 6, 3, 10, tzinfo=LONDON))
        BookingFactory(session=session, user=ParticipantFactory(), attendance=Booking.Attendance.ATTENDED)
        client.get(reverse("reports:index"), SPRING)
        assert page.call_count == 2


def test_only_published_output_is_kept(client, programme_admin):
    spring_programme(people=30)
    client.force_login(programme_admin)
    with override_settings(CACHES=LOCMEM):
        store = caches["default"]
        store.clear()
        page = client.get(reverse("reports:index"), SPRING).text
        client.get(reverse("reports:csv"), SPRING)
        values = [unpack(pickle.loads(value)) for key, value in store._cache.items()  # noqa: S301 (our own cache)
                  if ":reports:" in key]
    if not rollups.enabled():
        assert values == []
        return
    assert len(values) == 2
    html, (name, text) = sorted(values, key=lambda value: isinstance(value, tuple))
    assert isinstance(html, str)
    assert html in page  # the page's report, exactly as shown
    assert name.endswith(".csv")
    assert text.startswith("\ufeffTable,")
    for person in ParticipantFactory._meta.model.objects.exclude(pk=programme_admin.pk):
        for value in (html, text):
            assert person.email not in value
            assert person.display_name not in value


@pytest.mark.skipif("not rollups.enabled()", reason="the rollups' stamps are PostgreSQL's")
def test_a_catch_up_stamps_the_months_it_recomputed_later_than_any_stamp(programme_admin):
    april, july = (GroupSessionFactory(starts_at=datetime(2025, month, 3, 9, tzinfo=LONDON),
                                       ends_at=datetime(2025, month, 3, 10, tzinfo=LONDON)) for month in (4, 7))
    person = ParticipantFactory()
    booking = BookingFactory(session=april, user=person, attendance=Booking.Attendance.ATTENDED)
    BookingFactory(session=july, user=ParticipantFactory(), attendance=Booking.Attendance.ATTENDED)
    rollups.catch_up()

    def stamps():
        return {(row.programme_id, row.month): row.changed for row in RollupStamp.objects.all()}

    before = stamps()
    programme = april.group.programme_id
    assert {(programme, date(2025, 4, 1)), (programme, date(2025, 7, 1)), (0, date(2025, 4, 1))} <= before.keys()
    booking.attendance = Booking.Attendance.NO_SHOW
    booking.save()
    rollups.catch_up()
    after = stamps()
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {(programme, date(2025, 4, 1)), (0, date(2025, 4, 1))}  # the cell, and people of any programme
    assert min(after[key] for key in changed) > max(before.values())
    now = timezone.now()
    with rollups.reading(now):
        april_stamp = rollups.stamp(now, programmes=[programme], start=date(2025, 4, 1), end=date(2025, 5, 1))
    assert april_stamp == after[programme, date(2025, 4, 1)].isoformat()
    rollups.rebuild()
    assert all(changed > max(after.values()) for changed in stamps().values())


@pytest.mark.skipif("not rollups.enabled()", reason="the rollups' stamps are PostgreSQL's")
def test_nothing_is_kept_for_a_moment_the_rollups_cannot_answer_for(programme_admin):
    """Asked about a moment before a session ended that the rollups count as held."""
    ended = timezone.now() - timedelta(minutes=5)
    GroupSessionFactory(starts_at=ended - timedelta(hours=1), ends_at=ended)
    rollups.catch_up()
    earlier = ended - timedelta(minutes=1)
    with rollups.reading(earlier):
        assert rollups.stamp(earlier, programmes=None, start=date(2025, 1, 1), end=date(2030, 1, 1)) is None


@pytest.fixture
def installation_admin(db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(superuser, generate_totp_secret())
    return superuser


def test_the_overview_shows_a_renamed_programme_and_a_corrected_register(client, installation_admin, kept):
    spring_programme(people=30)
    programme = Programme.objects.get(pk=default_programme_pk())
    client.force_login(installation_admin)

    def attendances() -> dict[str, str]:
        tables = page_tables(client.get(reverse("reports:overview"), SPRING).text)
        return {row: value for (row, measure), value in
                tables["Participation by programme, April to June 2025"].items() if measure == "Attendances"}

    assert attendances() == attendances() == {programme.name: "70", "All programmes": "70"}
    programme.name = "Renamed programme"
    programme.save()
    assert attendances() == {"Renamed programme": "70", "All programmes": "70"}
    attended = Booking.objects.filter(attendance=Booking.Attendance.ATTENDED).order_by("pk")
    Booking.objects.filter(pk__in=list(attended.values_list("pk", flat=True)[:20])).update(
        attendance=Booking.Attendance.NO_SHOW)
    assert attendances() == {"Renamed programme": "50", "All programmes": "50"}
