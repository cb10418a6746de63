"""What each raw figure counts. These are unsuppressed: reports publish them
only through `reports.suppression`."""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.choices import Profession
from groups.formats import Format
from groups.models import GroupSession
from reports.periods import LONDON, Period, PeriodKind
from reports.selectors import ALL, booking_counts, feedback_counts, session_counts
from reports.tests.factories import (
    BookingFactory,
    FeedbackFactory,
    GroupSessionFactory,
    ParticipantFactory,
    PeerGroupFactory,
)
from signups.models import Booking

pytestmark = pytest.mark.django_db

APRIL = Period(PeriodKind.MONTH, 2026, 4)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
ATTENDED = Booking.Attendance.ATTENDED


def session_at(start: datetime, **kwargs) -> GroupSession:
    return GroupSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), **kwargs)


def test_a_session_at_half_past_midnight_bst_on_1_april_belongs_to_april():
    session_at(datetime(2026, 4, 1, 0, 30, tzinfo=LONDON))  # 23:30 UTC on 31 March
    session_at(datetime(2026, 3, 31, 23, 30, tzinfo=LONDON))  # still March in London
    assert session_counts(period=APRIL, now=NOW)[ALL]["sessions_held"] == 1
    march = Period(PeriodKind.MONTH, 2026, 3)
    assert session_counts(period=march, now=NOW)[ALL]["sessions_held"] == 1


def test_only_scheduled_sessions_that_have_ended_are_held():
    start = datetime(2026, 4, 10, 12, tzinfo=LONDON)
    session_at(start)
    session_at(start, status=GroupSession.Status.CANCELLED)
    session_at(start + timedelta(days=5))  # ends after "now"
    assert session_counts(period=APRIL, now=start + timedelta(days=1))[ALL]["sessions_held"] == 1


def test_sessions_are_counted_by_format_and_by_london_month():
    session_at(datetime(2026, 4, 2, 12, tzinfo=LONDON), group=PeerGroupFactory(format=Format.BALINT))
    session_at(datetime(2026, 4, 3, 12, tzinfo=LONDON))
    by_format = session_counts(period=APRIL, now=NOW, dimension="format")
    assert {key: row["sessions_held"] for key, row in by_format.items()} == {Format.BALINT: 1, Format.SCHWARTZ: 1}
    by_month = session_counts(period=APRIL, now=NOW, dimension="month")
    assert {key: row["sessions_held"] for key, row in by_month.items()} == {date(2026, 4, 1): 2}


def test_booking_outcomes_are_counted_separately():
    session = session_at(datetime(2026, 4, 10, 12, tzinfo=LONDON))
    BookingFactory(session=session, attendance=ATTENDED)
    BookingFactory(session=session, attendance=Booking.Attendance.NO_SHOW)
    BookingFactory(session=session)  # register not taken
    BookingFactory(session=session, status=Booking.Status.CANCELLED, confirmed_at=session.starts_at,
                   attendance=ATTENDED)  # a cancelled place never counts, whatever the register says
    assert booking_counts(period=APRIL, now=NOW)[ALL] == {
        "places_booked": 3, "attended": 1, "no_show": 1, "not_recorded": 1,
        "participants": 1, "new": 1, "waited": 0,
    }


def test_participants_are_different_people_and_new_ones_first_attended_in_the_period():
    regular, newcomer = ParticipantFactory(), ParticipantFactory()
    BookingFactory(user=regular, attendance=ATTENDED, session=session_at(datetime(2026, 2, 5, 12, tzinfo=LONDON)))
    for day in (8, 15):
        session = session_at(datetime(2026, 4, day, 12, tzinfo=LONDON))
        BookingFactory(user=regular, session=session, attendance=ATTENDED)
        BookingFactory(user=newcomer, session=session, attendance=ATTENDED)
    figures = booking_counts(period=APRIL, now=NOW)[ALL]
    assert (figures["attended"], figures["participants"], figures["new"]) == (4, 2, 1)


def test_by_month_a_person_is_new_only_in_the_month_of_their_first_attendance():
    person = ParticipantFactory()
    for month in (4, 5):
        BookingFactory(user=person, attendance=ATTENDED, session=session_at(datetime(2026, month, 5, tzinfo=LONDON)))
    spring = Period(PeriodKind.QUARTER, 2026, 2)
    by_month = booking_counts(period=spring, now=NOW, dimension="month")
    assert by_month[date(2026, 4, 1)]["new"] == 1
    assert by_month[date(2026, 5, 1)]["new"] == 0
    assert by_month[date(2026, 5, 1)]["participants"] == 1


def test_people_who_waited_and_never_got_a_place_are_unmet_demand():
    session = session_at(datetime(2026, 4, 10, 12, tzinfo=LONDON))
    BookingFactory(session=session, status=Booking.Status.WAITLISTED)
    BookingFactory(session=session, status=Booking.Status.CANCELLED)  # gave up waiting
    BookingFactory(session=session)  # waited, then promoted: confirmed
    BookingFactory(session=session, status=Booking.Status.CANCELLED, confirmed_at=session.starts_at)  # had a place
    assert booking_counts(period=APRIL, now=NOW)[ALL]["waited"] == 2


def test_people_are_broken_down_by_their_profile():
    session = session_at(datetime(2026, 4, 10, 12, tzinfo=LONDON))
    BookingFactory(session=session, user=ParticipantFactory(profession=Profession.DOCTOR), attendance=ATTENDED)
    BookingFactory(session=session, user=ParticipantFactory(profession=""), attendance=ATTENDED)
    by_profession = booking_counts(period=APRIL, now=NOW, dimension="profession")
    assert by_profession[Profession.DOCTOR]["participants"] == 1
    assert by_profession[""]["participants"] == 1


def test_feedback_is_counted_by_score_without_reading_comments():
    session = session_at(datetime(2026, 4, 10, 12, tzinfo=LONDON))
    for score in (5, 5, 3):
        FeedbackFactory(session=session, helpfulness=score, comment="=HYPERLINK(secret)")
    figures = feedback_counts(period=APRIL, now=NOW)[ALL]
    assert figures["responses"] == 3
    assert (figures["score_5"], figures["score_3"], figures["score_1"]) == (2, 1, 0)
    assert figures["mean"] == pytest.approx(13 / 3)
    assert not any("comment" in key for key in figures)
