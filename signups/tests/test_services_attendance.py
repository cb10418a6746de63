from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.models import GroupSession
from signups.errors import SignupRefused
from signups.models import Booking, SessionRegister
from signups.services import attendance_record_presence, attendance_register_save, sessions_close_finished
from signups.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(group):
    start = timezone.now() - timedelta(hours=3)
    return GroupSessionFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=75))


def test_presence_marks_attended_and_keeps_first_join_and_last_leave(finished, practitioner):
    BookingFactory(session=finished, user=practitioner)
    t0 = finished.starts_at
    attendance_record_presence(session=finished, user=practitioner, joined_at=t0 + timedelta(minutes=5))
    attendance_record_presence(session=finished, user=practitioner, joined_at=t0 + timedelta(minutes=20))
    attendance_record_presence(session=finished, user=practitioner, left_at=t0 + timedelta(minutes=30))
    booking = attendance_record_presence(session=finished, user=practitioner, left_at=t0 + timedelta(minutes=70))
    assert booking.attendance == Booking.Attendance.ATTENDED
    assert booking.joined_room_at == t0 + timedelta(minutes=5)
    assert booking.left_room_at == t0 + timedelta(minutes=70)


def test_presence_without_a_place_records_nothing(finished, facilitator):
    assert attendance_record_presence(session=finished, user=facilitator) is None
    assert not Booking.objects.exists()


def test_the_register_records_each_place(finished, facilitator):
    came, missed = BookingFactory(session=finished), BookingFactory(session=finished)
    saved = attendance_register_save(
        session=finished, taken_by=facilitator,
        marks={came.code: "attended", missed.code: "no_show", "not-a-code": "attended"},
    )
    assert saved == 2
    assert Booking.objects.get(pk=came.pk).attendance == Booking.Attendance.ATTENDED
    assert Booking.objects.get(pk=missed.pk).attendance == Booking.Attendance.NO_SHOW
    register = SessionRegister.objects.get(session=finished)
    assert register.taken_by == facilitator
    assert not register.automatic


def test_the_register_ignores_places_given_up_and_bad_marks(finished, facilitator):
    gone = BookingFactory(session=finished, status=Booking.Status.CANCELLED)
    odd = BookingFactory(session=finished)
    attendance_register_save(session=finished, taken_by=facilitator, marks={gone.code: "attended", odd.code: "maybe"})
    assert Booking.objects.get(pk=gone.pk).attendance == Booking.Attendance.UNKNOWN
    assert Booking.objects.get(pk=odd.pk).attendance == Booking.Attendance.UNKNOWN


def test_the_register_waits_for_the_session_to_start(session, facilitator):
    with pytest.raises(SignupRefused):
        attendance_register_save(session=session, taken_by=facilitator, marks={})


def test_closing_finished_sessions_marks_unrecorded_places_no_show(finished):
    came = BookingFactory(session=finished)
    attendance_record_presence(session=finished, user=came.user)
    missed = BookingFactory(session=finished)
    gave_up = BookingFactory(session=finished, status=Booking.Status.CANCELLED)
    assert sessions_close_finished() == 1
    assert Booking.objects.get(pk=came.pk).attendance == Booking.Attendance.ATTENDED
    assert Booking.objects.get(pk=missed.pk).attendance == Booking.Attendance.NO_SHOW
    assert Booking.objects.get(pk=gave_up.pk).attendance == Booking.Attendance.UNKNOWN
    assert SessionRegister.objects.get(session=finished).automatic


def test_closing_is_idempotent_and_leaves_registers_alone(finished, facilitator, group):
    BookingFactory(session=finished)
    assert sessions_close_finished() == 1
    assert sessions_close_finished() == 0
    other = GroupSessionFactory(group=group, starts_at=finished.starts_at - timedelta(days=1),
                                ends_at=finished.ends_at - timedelta(days=1))
    marked = BookingFactory(session=other)
    attendance_register_save(session=other, taken_by=facilitator, marks={marked.code: "attended"})
    unmarked = BookingFactory(session=other, user=UserFactory())
    assert sessions_close_finished() == 0
    assert Booking.objects.get(pk=unmarked.pk).attendance == Booking.Attendance.UNKNOWN


def test_closing_leaves_sessions_still_running(session):
    BookingFactory(session=session)
    assert sessions_close_finished() == 0


def test_closing_a_cancelled_session_cancels_its_places(finished):
    GroupSession.objects.filter(pk=finished.pk).update(status=GroupSession.Status.CANCELLED)
    booking = BookingFactory(session=finished)
    waiting = BookingFactory(session=finished, status=Booking.Status.WAITLISTED, queued_at=timezone.now())
    sessions_close_finished()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(pk=waiting.pk).status == Booking.Status.CANCELLED
