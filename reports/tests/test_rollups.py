"""The rollups equal the figures computed from the raw rows, whatever happens
in whatever order: bookings, cancellations, waiting-list promotions,
registers taken and edited, attendance from the live room, feedback,
profile edits, sessions cancelled, groups archived, the retention purge and
time passing (a session becomes held when it ends). Each change goes through
the apps' own services where one exists; the triggers see every write."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.choices import CareerStage, Profession, Region
from groups.formats import Format
from groups.models import GroupSession, PeerGroup
from groups.services.groups import group_archive
from groups.services.sessions import session_cancel
from privacy.services import retention_purge
from programmes.tests.factories import ProgrammeFactory
from reports import raw, report, rollups, selectors
from reports.periods import LONDON, Period, PeriodKind
from reports.tests.factories import (
    BookingFactory,
    FeedbackFactory,
    GroupSessionFactory,
    ParticipantFactory,
    PeerGroupFactory,
)
from signups.errors import SignupRefused
from signups.models import Booking
from signups.services import attendance_record_presence
from signups.services.attendance import attendance_register_save, sessions_close_finished
from signups.services.bookings import booking_cancel, booking_create
from signups.services.feedback import feedback_allowed, feedback_give

# Rollups are kept on PostgreSQL only (`.ci/run` runs these); elsewhere the
# reports read the raw rows, which every other reports test covers.
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="rollups are kept on PostgreSQL only")

START = datetime(2023, 10, 25, 9, tzinfo=UTC)  # the history's clock starts here
PERIODS = [Period(PeriodKind.MONTH, 2023, m) for m in (11, 12)] + [
    Period(PeriodKind.MONTH, 2024, m) for m in (1, 2)] + [
    Period(PeriodKind.QUARTER, 2023, 4), Period(PeriodKind.QUARTER, 2024, 1),
    Period(PeriodKind.YEAR, 2023), Period(PeriodKind.YEAR, 2024)]
OPS = ["book"] * 5 + ["cancel", "cancel", "register", "register", "presence", "presence", "feedback", "feedback",
                     "close", "profile", "cancel_session", "archive", "advance", "advance", "advance", "catch_up",
                     "purge"]
ROLLUP_TABLES = rollups.TABLES


class World:
    """Two programmes, three groups of two formats, sessions from November
    2023 to February 2024 (one at 00:30 on 1 December, London time), and
    eight people; places are few, so people wait."""

    def __init__(self) -> None:
        first, second = ProgrammeFactory(), ProgrammeFactory()
        self.programmes = [first.pk, second.pk]
        self.groups = [PeerGroupFactory(programme=first, format=Format.SCHWARTZ, capacity=2),
                       PeerGroupFactory(programme=first, format=Format.BALINT, capacity=2),
                       PeerGroupFactory(programme=second, format=Format.SCHWARTZ, capacity=2)]
        starts = [datetime(2023, 11, 20, 12, tzinfo=LONDON), datetime(2023, 12, 1, 0, 30, tzinfo=LONDON),
                  datetime(2023, 12, 31, 23, 30, tzinfo=LONDON), datetime(2024, 1, 15, 18, tzinfo=LONDON),
                  datetime(2024, 2, 10, 10, tzinfo=LONDON)]
        self.sessions = [GroupSessionFactory(group=group, starts_at=start + timedelta(hours=i),
                                             ends_at=start + timedelta(hours=i, minutes=90))
                         for i, group in enumerate(self.groups) for start in starts]
        self.people = [ParticipantFactory(profession=list(Profession)[i % 3], career_stage=list(CareerStage)[i % 2],
                                          region=list(Region)[i % 4]) for i in range(8)]
        self.now = START

    def session(self, n: int) -> GroupSession:
        return GroupSession.objects.select_related("group").get(pk=self.sessions[n % len(self.sessions)].pk)

    def booking(self, n: int, **filters) -> Booking | None:
        bookings = list(Booking.objects.filter(**filters).select_related("session").order_by("pk"))
        return bookings[n % len(bookings)] if bookings else None

    def apply(self, op: str, a: int, b: int) -> None:  # noqa: C901 (one branch a kind of change)
        now = self.now
        if op == "book":
            upcoming = [s for s in self.sessions if s.starts_at > now]
            if upcoming:
                session = GroupSession.objects.select_related("group").get(pk=upcoming[a % len(upcoming)].pk)
                try:
                    booking_create(session=session, user=self.people[b % len(self.people)], join_waitlist=True,
                                   now=now)
                except SignupRefused:
                    pass
        elif op == "cancel" and (booking := self.booking(a, status__in=["confirmed", "waitlisted"])):
            try:
                booking_cancel(booking=booking, now=now)  # a place given up goes to the first waiting
            except SignupRefused:
                pass
        elif op == "register":
            started = [s for s in self.sessions if s.starts_at <= now]
            if started:
                session = started[a % len(started)]
                marks = {code: ("attended", "no_show")[(b >> i) & 1] for i, code in enumerate(
                    Booking.objects.filter(session=session, status="confirmed").values_list("code", flat=True))}
                attendance_register_save(session=session, marks=marks, taken_by=self.people[0], now=now)
        elif op == "presence" and (booking := self.booking(a, status="confirmed", session__starts_at__lte=now)):
            attendance_record_presence(session=booking.session, user=booking.user, joined_at=now)
        elif op == "feedback" and (booking := self.booking(a, status="confirmed", session__ends_at__lte=now)):
            if feedback_allowed(booking, now=now):
                feedback_give(booking=booking, helpfulness=1 + b % 5, now=now)
        elif op == "close":
            sessions_close_finished(now=now)
        elif op == "profile":
            person = self.people[a % len(self.people)]
            person.profession = list(Profession)[b % 4]
            person.region = ["", *Region][b % 3]
            person.save(update_fields=["profession", "region"])
        elif op == "cancel_session" and b % 3 == 0:
            session = self.session(a)
            if session.starts_at > now and session.status == GroupSession.Status.SCHEDULED:
                session_cancel(session=session, reason="Facilitator unwell.")
        elif op == "archive" and b % 4 == 0:
            group_archive(group=PeerGroup.objects.get(pk=self.groups[a % len(self.groups)].pk), now=now)
        elif op == "advance":
            self.now = now + timedelta(hours=1 + a % 300)
        elif op == "catch_up":
            rollups.catch_up(now)
        elif op == "purge" and b % 2 == 0:
            # As if run 24 months after a moment near the history's now: older
            # sessions lose their bookings to anonymous summaries.
            retention_purge(now=now + timedelta(days=731 - 30 + a % 60))


def _comparable(counts: selectors.Counts) -> dict:
    """Rows with anything counted, means rounded past float noise."""
    return {key: {m: round(v, 9) if isinstance(v, float) else v for m, v in row.items()}
            for key, row in counts.items() if key == selectors.ALL or any(row.values())}


def assert_rollups_equal_raw(period: Period, now: datetime, scopes) -> None:
    assert rollups.current(now)
    for programmes, by_programme in itertools.product(scopes, (False, True)):
        for dimension in [None, *selectors.BOOKING_DIMENSIONS]:
            args = {"period": period, "now": now, "dimension": dimension, "programmes": programmes,
                    "by_programme": by_programme}
            assert _comparable(selectors.booking_counts(**args)) == _comparable(raw.booking_counts(**args)), args
        for dimension in [None, *selectors.SESSION_DIMENSIONS]:
            args = {"period": period, "now": now, "dimension": dimension, "programmes": programmes,
                    "by_programme": by_programme}
            assert _comparable(selectors.session_counts(**args)) == _comparable(raw.session_counts(**args)), args
            assert _comparable(selectors.feedback_counts(**args)) == _comparable(raw.feedback_counts(**args)), args
        calendar = {"period": period, "programmes": programmes, "by_programme": by_programme}
        assert selectors.session_calendar_counts(**calendar) == raw.session_calendar_counts(**calendar)
        span = {"start": datetime(2023, 9, 1, tzinfo=LONDON), "end": period.end, "now": now,
                "programmes": programmes}
        assert selectors.sessions_held_by_month(**span) == raw.sessions_held_by_month(**span)


def _tables() -> dict[str, list[tuple]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in ROLLUP_TABLES:
            cursor.execute(f"SELECT * FROM reports_{table}")  # noqa: S608 (our own table names)
            tables[table] = sorted((row[1:] for row in cursor.fetchall()), key=str)  # without the id
    return tables


history = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 10_000), st.integers(0, 10_000)),
                   min_size=5, max_size=60)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(history, st.sampled_from(PERIODS), st.sampled_from(PERIODS), st.integers(0, 60))
def test_rollups_equal_the_figures_from_raw_rows_after_any_history(ops, period, other, checked_at):
    with transaction.atomic():
        world = World()
        rollups.rebuild(START)
        scopes = [None, world.programmes[:1], world.programmes[1:], world.programmes]
        for i, (op, a, b) in enumerate(ops):
            world.apply(op, a, b)
            if i == checked_at:  # a report part-way, then more changes
                assert_rollups_equal_raw(other, world.now, scopes[:1])
        assert_rollups_equal_raw(period, world.now, scopes)
        # Incremental catch-ups leave exactly what a rebuild from scratch gives.
        rollups.catch_up(world.now)
        kept = _tables()
        rollups.rebuild(world.now)
        assert _tables() == kept
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(history, st.sampled_from(PERIODS))
def test_the_report_publishes_rollups_exactly_as_it_published_raw_figures(ops, period):
    """Suppression is applied after aggregation, to the same figures."""
    with transaction.atomic():
        world = World()
        for op, a, b in ops:
            world.apply(op, a, b)
        from_rollups = report.build_report(period=period, now=world.now)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(report, "selectors", raw)
            from_raw = report.build_report(period=period, now=world.now)
        assert from_rollups == from_raw
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_new_participants_are_new_to_the_reported_programme():
    """Someone who attended another programme's group before is still new to this one."""
    world = World()
    person = world.people[0]
    earlier = world.sessions[10]  # second programme, 20 November 2023
    later = world.sessions[3]  # first programme, 15 January 2024
    for session in (earlier, later):
        BookingFactory(session=session, user=person, attendance="attended")
    january = Period(PeriodKind.MONTH, 2024, 1)
    now = datetime(2024, 3, 1, tzinfo=UTC)
    first_only = selectors.booking_counts(period=january, now=now, programmes=world.programmes[:1])
    assert (first_only[selectors.ALL]["participants"], first_only[selectors.ALL]["new"]) == (1, 1)
    everywhere = selectors.booking_counts(period=january, now=now)
    assert (everywhere[selectors.ALL]["participants"], everywhere[selectors.ALL]["new"]) == (1, 0)


@pytest.mark.django_db
def test_a_session_counts_once_it_has_ended_without_any_row_changing():
    session = GroupSessionFactory(starts_at=datetime(2024, 1, 15, 12, tzinfo=UTC),
                                  ends_at=datetime(2024, 1, 15, 13, tzinfo=UTC))
    BookingFactory(session=session, attendance="attended")
    january = Period(PeriodKind.MONTH, 2024, 1)
    during = selectors.booking_counts(period=january, now=datetime(2024, 1, 15, 12, 30, tzinfo=UTC))
    assert during[selectors.ALL]["participants"] == 0
    after = selectors.booking_counts(period=january, now=datetime(2024, 1, 15, 13, tzinfo=UTC))
    assert (after[selectors.ALL]["participants"], after[selectors.ALL]["attended"]) == (1, 1)


@pytest.mark.django_db
def test_a_report_about_an_earlier_moment_is_answered_from_the_raw_rows():
    """The rollups are true as of the latest catch-up; asked about a moment
    before a session that has since ended, they step aside."""
    session = GroupSessionFactory(starts_at=datetime(2024, 1, 15, 12, tzinfo=UTC),
                                  ends_at=datetime(2024, 1, 15, 13, tzinfo=UTC))
    BookingFactory(session=session, attendance="attended")
    rollups.catch_up(datetime(2024, 2, 1, tzinfo=UTC))
    earlier = datetime(2024, 1, 15, 12, 30, tzinfo=UTC)
    assert not rollups.current(earlier)
    january = Period(PeriodKind.MONTH, 2024, 1)
    assert selectors.booking_counts(period=january, now=earlier)[selectors.ALL]["attended"] == 0


@pytest.mark.django_db
def test_bulk_updates_and_cascades_are_noted_too():
    session = GroupSessionFactory(starts_at=datetime(2024, 1, 15, 12, tzinfo=UTC),
                                  ends_at=datetime(2024, 1, 15, 13, tzinfo=UTC))
    BookingFactory.create_batch(3, session=session)
    FeedbackFactory(session=session, helpfulness=5)
    january, now = Period(PeriodKind.MONTH, 2024, 1), datetime(2024, 2, 1, tzinfo=UTC)
    assert selectors.booking_counts(period=january, now=now)[selectors.ALL]["not_recorded"] == 3
    Booking.objects.filter(session=session).update(attendance="attended")  # no save(), no model signal
    assert selectors.booking_counts(period=january, now=now)[selectors.ALL]["attended"] == 3
    session.group.delete()  # the group, its sessions, their bookings and feedback
    assert selectors.booking_counts(period=january, now=now)[selectors.ALL]["places_booked"] == 0
    assert selectors.feedback_counts(period=january, now=now)[selectors.ALL]["responses"] == 0


@pytest.mark.django_db
def test_the_rebuild_command_rebuilds_from_scratch(capsys):
    session = GroupSessionFactory(starts_at=datetime(2024, 1, 15, 12, tzinfo=UTC),
                                  ends_at=datetime(2024, 1, 15, 13, tzinfo=UTC))
    BookingFactory.create_batch(2, session=session, attendance="attended")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # as a restore: no triggers
        cursor.execute("UPDATE signups_booking SET attendance = 'no_show'")
        cursor.execute("SET session_replication_role = DEFAULT")
    call_command("rollups_rebuild")
    assert "rebuilt in" in capsys.readouterr().out
    figures = selectors.booking_counts(period=Period(PeriodKind.MONTH, 2024, 1), now=datetime(2024, 2, 1, tzinfo=UTC))
    assert (figures[selectors.ALL]["attended"], figures[selectors.ALL]["no_show"]) == (0, 2)
    assert date(2024, 1, 1) in selectors.sessions_held_by_month(
        start=datetime(2024, 1, 1, tzinfo=LONDON), end=datetime(2024, 2, 1, tzinfo=LONDON),
        now=datetime(2024, 2, 1, tzinfo=UTC))


def _period_counts_after_catch_up_equal_a_rebuild(now: datetime) -> None:
    rollups.catch_up(now)
    kept = _tables()
    rollups.rebuild(now)
    assert _tables() == kept


JANUARY_2024 = [Period(PeriodKind.MONTH, 2024, 1), Period(PeriodKind.QUARTER, 2024, 1), Period(PeriodKind.YEAR, 2024)]


@pytest.mark.django_db
@pytest.mark.parametrize("period", JANUARY_2024, ids=lambda period: period.kind)
def test_a_profile_edit_moves_a_person_between_a_periods_counts(period):
    """Only the person's profile changes, none of their months: the month,
    quarter and year they came in are counted again all the same."""
    world = World()
    person = world.people[0]
    BookingFactory(session=world.sessions[3], user=person, attendance="attended")  # 15 January 2024
    now = datetime(2024, 3, 1, tzinfo=UTC)
    before = selectors.booking_counts(period=period, now=now, dimension="profession")
    assert before[person.profession]["participants"] == 1
    person.profession = Profession.PHARMACIST if person.profession != Profession.PHARMACIST else Profession.NURSE
    person.save(update_fields=["profession"])
    _period_counts_after_catch_up_equal_a_rebuild(now)
    after = selectors.booking_counts(period=period, now=now, dimension="profession")
    assert after == raw.booking_counts(period=period, now=now, dimension="profession")
    assert after[person.profession]["participants"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("period", JANUARY_2024, ids=lambda period: period.kind)
def test_an_earlier_attendance_makes_a_later_period_returning(period):
    """A register taken late for December changes who was new in January,
    its quarter and its year, though nothing changes in 2024."""
    world = World()
    person = world.people[0]
    BookingFactory(session=world.sessions[3], user=person, attendance="attended")  # 15 January 2024
    december = BookingFactory(session=world.sessions[1], user=person, attendance="no_show")  # 1 December 2023
    now = datetime(2024, 3, 1, tzinfo=UTC)
    assert selectors.booking_counts(period=period, now=now)[selectors.ALL]["new"] == 1
    december.attendance = "attended"
    december.save(update_fields=["attendance"])
    _period_counts_after_catch_up_equal_a_rebuild(now)
    assert selectors.booking_counts(period=period, now=now)[selectors.ALL]["new"] == 0
    assert selectors.booking_counts(period=period, now=now) == raw.booking_counts(period=period, now=now)
    by_month = selectors.booking_counts(period=period, now=now, dimension="month")
    assert by_month[date(2024, 1, 1)]["new"] == 0
    assert by_month == raw.booking_counts(period=period, now=now, dimension="month")


@pytest.mark.django_db
def test_a_first_attendance_moved_to_february_moves_in_the_months_of_its_quarter_and_year():
    """Someone whose January register is corrected to a no-show first came
    in February: still new in the quarter and the year, but the month rows
    of both move (no participant in January, a new one in February)."""
    world = World()
    person = world.people[0]
    january = BookingFactory(session=world.sessions[3], user=person, attendance="attended")  # 15 January 2024
    BookingFactory(session=world.sessions[4], user=person, attendance="attended")  # 10 February 2024
    now = datetime(2024, 3, 1, tzinfo=UTC)
    quarter, february = Period(PeriodKind.QUARTER, 2024, 1), Period(PeriodKind.MONTH, 2024, 2)
    assert selectors.booking_counts(period=february, now=now)[selectors.ALL]["new"] == 0
    january.attendance = "no_show"
    january.save(update_fields=["attendance"])
    _period_counts_after_catch_up_equal_a_rebuild(now)
    assert selectors.booking_counts(period=february, now=now)[selectors.ALL]["new"] == 1
    for period in (quarter, Period(PeriodKind.YEAR, 2024)):
        figures = selectors.booking_counts(period=period, now=now)[selectors.ALL]
        assert (figures["participants"], figures["new"]) == (1, 1)
        by_month = selectors.booking_counts(period=period, now=now, dimension="month")
        assert by_month[date(2024, 1, 1)]["participants"] == 0
        assert (by_month[date(2024, 2, 1)]["participants"], by_month[date(2024, 2, 1)]["new"]) == (1, 1)
        assert by_month == raw.booking_counts(period=period, now=now, dimension="month")
