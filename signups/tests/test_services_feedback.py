from datetime import timedelta

import pytest
from django.utils import timezone

from signups.errors import SignupRefused
from signups.models import Booking, Feedback
from signups.services import attendance_register_save, feedback_allowed, feedback_give, sessions_close_finished
from signups.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(group):
    start = timezone.now() - timedelta(hours=3)
    return GroupSessionFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=75))


def test_feedback_is_stored_without_the_person_and_given_once(finished):
    booking = BookingFactory(session=finished)
    feedback_give(booking=booking, helpfulness=4, comment="Thank you")
    feedback = Feedback.objects.get()
    assert (feedback.helpfulness, feedback.comment, feedback.session_id) == (4, "Thank you", finished.pk)
    assert not hasattr(feedback, "user")
    assert Booking.objects.get(pk=booking.pk).feedback_given
    with pytest.raises(SignupRefused):
        feedback_give(booking=booking, helpfulness=5)
    assert Feedback.objects.count() == 1


def test_no_feedback_before_a_session_ends(session):
    with pytest.raises(SignupRefused):
        feedback_give(booking=BookingFactory(session=session), helpfulness=3)


@pytest.mark.parametrize("helpfulness", [0, 6, -1])
def test_helpfulness_is_1_to_5(finished, helpfulness):
    with pytest.raises(SignupRefused):
        feedback_give(booking=BookingFactory(session=finished), helpfulness=helpfulness)
    assert not Feedback.objects.exists()


def test_no_shows_on_a_facilitators_register_cannot_give_feedback(finished, facilitator):
    came, missed = BookingFactory(session=finished), BookingFactory(session=finished)
    attendance_register_save(session=finished, taken_by=facilitator,
                             marks={came.code: "attended", missed.code: "no_show"})
    now = timezone.now()
    assert feedback_allowed(Booking.objects.get(pk=came.pk), now=now)
    assert not feedback_allowed(Booking.objects.get(pk=missed.pk), now=now)


def test_without_a_facilitators_register_anyone_with_a_place_may(finished):
    booking = BookingFactory(session=finished)
    sessions_close_finished()
    assert feedback_allowed(Booking.objects.get(pk=booking.pk), now=timezone.now())


def test_people_who_cancelled_cannot_give_feedback(finished):
    booking = BookingFactory(session=finished, status=Booking.Status.CANCELLED)
    assert not feedback_allowed(booking, now=timezone.now())
