from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from signups.models import Booking, Feedback
from signups.services import feedback_give
from signups.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(group):
    start = timezone.now() - timedelta(hours=2)
    return GroupSessionFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=75))


def url(name, obj):
    return reverse(f"signups:{name}", args=[obj.code])


def test_the_register_lists_display_names_only(client, finished, facilitator):
    BookingFactory(session=finished, user=UserFactory(display_name="Kit", email="kit@nhs.net"))
    client.force_login(facilitator)
    page = client.get(url("register", finished))
    assert page.status_code == 200
    assert "Kit" in page.text
    assert "kit@nhs.net" not in page.text
    assert 'type="radio"' in page.text


def test_taking_the_register(client, finished, facilitator):
    came, missed = BookingFactory(session=finished), BookingFactory(session=finished)
    client.force_login(facilitator)
    response = client.post(url("register", finished), {f"b_{came.code}": "attended", f"b_{missed.code}": "no_show"})
    assert response.status_code == 302
    assert Booking.objects.get(pk=came.pk).attendance == Booking.Attendance.ATTENDED
    assert Booking.objects.get(pk=missed.pk).attendance == Booking.Attendance.NO_SHOW


def test_an_incomplete_or_tampered_register_is_an_error(client, finished, facilitator):
    came = BookingFactory(session=finished)
    client.force_login(facilitator)
    for data in ({}, {f"b_{came.code}": "teleported"}):
        response = client.post(url("register", finished), data)
        assert response.status_code == 200
        assert "<title>Error: " in response.text
    assert Booking.objects.get(pk=came.pk).attendance == Booking.Attendance.UNKNOWN


@pytest.mark.parametrize("who", ["practitioner", "outsider", "other_facilitator"])
def test_only_the_groups_facilitators_take_the_register(client, finished, who, request):
    booking = BookingFactory(session=finished, user=request.getfixturevalue("practitioner"))
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("register", finished)).status_code == 404
    assert client.post(url("register", finished), {f"b_{booking.code}": "no_show"}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).attendance == Booking.Attendance.UNKNOWN


def test_giving_feedback(client, finished, practitioner):
    booking = BookingFactory(session=finished, user=practitioner)
    client.force_login(practitioner)
    assert client.get(url("feedback", finished)).status_code == 200
    response = client.post(url("feedback", finished), {"helpfulness": "5", "comment": "Felt heard"})
    assert response.status_code == 302
    assert Feedback.objects.get().comment == "Felt heard"
    assert Booking.objects.get(pk=booking.pk).feedback_given
    again = client.post(url("feedback", finished), {"helpfulness": "1"}, follow=True)
    assert "already given it" in again.text
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"helpfulness": "9"}, {"helpfulness": "abc"},
                                  {"helpfulness": "3", "comment": "x" * 2001}])
def test_bad_feedback_is_an_error_not_a_500(client, finished, practitioner, data):
    BookingFactory(session=finished, user=practitioner)
    client.force_login(practitioner)
    response = client.post(url("feedback", finished), data)
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert not Feedback.objects.exists()


def test_feedback_waits_for_the_session_to_end(client, session, practitioner):
    BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    response = client.post(url("feedback", session), {"helpfulness": "4"})
    assert response.status_code == 302
    assert not Feedback.objects.exists()


def test_people_without_a_place_get_404_for_feedback(client, finished, outsider):
    client.force_login(outsider)
    assert client.get(url("feedback", finished)).status_code == 404
    assert client.post(url("feedback", finished), {"helpfulness": "1"}).status_code == 404


def test_facilitators_see_feedback_but_never_who_gave_it(client, group, finished, facilitator):
    giver = BookingFactory(session=finished, user=UserFactory(display_name="Quinn"))
    client.force_login(giver.user)
    client.post(url("feedback", finished), {"helpfulness": "4", "comment": "Zebra crossing"})
    client.post(url("feedback", finished), {"helpfulness": "2", "comment": "Apple"})  # refused: once only
    for _ in range(2):
        other = BookingFactory(session=finished)
        client.force_login(other.user)
        client.post(url("feedback", finished), {"helpfulness": "3", "comment": "Apple"})
    client.force_login(facilitator)
    page = client.get(url("group_feedback", group))
    assert page.status_code == 200
    assert "3 responses" in page.text
    assert "3.3 out of 5" in page.text
    assert page.text.index("Apple") < page.text.index("Zebra crossing")
    assert "Quinn" not in page.text


@pytest.mark.parametrize("who", ["practitioner", "outsider", "other_facilitator"])
def test_others_get_404_for_a_groups_feedback(client, group, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("group_feedback", group)).status_code == 404


def _answers(session, *answers):
    for helpfulness, comment in answers:
        feedback_give(booking=BookingFactory(session=session), helpfulness=helpfulness, comment=comment)


@pytest.mark.parametrize("count", [1, 2])
def test_one_or_two_responses_show_nothing_that_could_identify_anyone(client, group, finished, facilitator, count):
    _answers(finished, *[(n, f"Private note {n}") for n in (1, 5)][:count])
    client.force_login(facilitator)
    page = client.get(url("group_feedback", group))
    assert page.status_code == 200
    assert "Not enough responses yet to show without identifying anyone" in page.text
    assert "Private note" not in page.text
    assert "response" not in page.text.split("<h1")[1].split("Not enough")[0]
    assert "average helpfulness" not in page.text


def test_three_responses_in_a_session_show_as_an_aggregate(client, group, finished, facilitator):
    _answers(finished, (4, "Zebra crossing"), (2, "Apple"), (3, ""))
    client.force_login(facilitator)
    page = client.get(url("group_feedback", group))
    assert "3 responses" in page.text
    assert "3.0 out of 5" in page.text
    assert page.text.index("Apple") < page.text.index("Zebra crossing")
    assert "Not enough responses" not in page.text


def test_sessions_with_too_few_responses_are_pooled_with_the_next(client, group, facilitator):
    start = timezone.now() - timedelta(days=21)
    first, second, third = (GroupSessionFactory(group=group, starts_at=start + timedelta(days=7 * i),
                                                ends_at=start + timedelta(days=7 * i, hours=1)) for i in range(3))
    _answers(first, (5, "Only one here"))
    _answers(second, (1, "Two of us"), (3, "Two of us too"))
    _answers(third, (2, "Alone again"))
    client.force_login(facilitator)
    page = client.get(url("group_feedback", group))
    assert "2 sessions" in page.text
    assert "3 responses" in page.text
    assert "Only one here" in page.text
    assert "Two of us too" in page.text
    assert "Alone again" not in page.text  # its pool has one response so far
    assert "Not enough responses yet to show without identifying anyone" in page.text
