"""Cancelling a place asks first: a confirmation page (NHS.UK pattern) whose
form posts the cancellation, so it works without JavaScript."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import PeerGroup
from signups.models import Booking
from signups.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


def url(name, session):
    return reverse(f"signups:{name}", args=[session.code])


def test_the_cancel_link_leads_to_a_question_not_a_cancellation(client, session, practitioner):
    booking = BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    page = client.get(url("session", session)).text
    assert f'href="{url("cancel_confirm", session)}?next=' in page
    assert f'action="{url("cancel", session)}"' not in page  # no one-click cancellation
    response = client.get(url("cancel_confirm", session), {"next": "/my-sessions/"})
    assert response.status_code == 200
    assert "<title>Are you sure you want to cancel your place?" in response.text
    assert f'action="{url("cancel", session)}"' in response.text
    assert 'name="next" value="/my-sessions/"' in response.text
    assert 'href="/my-sessions/">No, keep my place' in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_confirming_cancels_the_place_and_goes_back(client, session, practitioner):
    booking = BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    response = client.post(url("cancel", session), {"next": "/my-sessions/"})
    assert response["Location"] == "/my-sessions/"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_question_page_rejects_post(client, session, practitioner):
    BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    assert client.post(url("cancel_confirm", session)).status_code == 405
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_an_outsider_gets_404_for_an_unpublished_groups_session(client, outsider, facilitator):
    draft = GroupSessionFactory(group=PeerGroupFactory(status=PeerGroup.Status.DRAFT, facilitators=[facilitator]))
    client.force_login(outsider)
    assert client.get(url("cancel_confirm", draft)).status_code == 404


def test_without_a_place_there_is_nothing_to_confirm(client, session, practitioner):
    client.force_login(practitioner)
    response = client.get(url("cancel_confirm", session), follow=True)
    assert response.redirect_chain[-1][0] == url("session", session)
    assert "You do not have a place at this session." in response.text


def test_leaving_a_waiting_list_asks_first_too(client, session, practitioner):
    booking = BookingFactory(session=session, user=practitioner, status=Booking.Status.WAITLISTED,
                             confirmed_at=None, queued_at=timezone.now())
    client.force_login(practitioner)
    page = client.get(url("session", session)).text
    assert f'href="{url("cancel_confirm", session)}?next=' in page
    assert f'action="{url("cancel", session)}"' not in page  # no one-click leaving
    my = client.get(reverse("signups:my_sessions")).text
    assert f'href="{url("cancel_confirm", session)}?next=' in my
    assert f'action="{url("cancel", session)}"' not in my
    response = client.get(url("cancel_confirm", session), {"next": "/my-sessions/"})
    assert "<title>Are you sure you want to leave the waiting list?" in response.text
    assert "Yes, leave the waiting list" in response.text
    assert 'href="/my-sessions/">No, stay on the waiting list' in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.WAITLISTED
    client.post(url("cancel", session), {"next": "/my-sessions/"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_a_started_session_cannot_be_cancelled_from_the_question_page(client, group, practitioner):
    started = GroupSessionFactory(group=group, starts_at=timezone.now() - timedelta(minutes=5))
    BookingFactory(session=started, user=practitioner)
    client.force_login(practitioner)
    response = client.get(url("cancel_confirm", started), follow=True)
    assert "This place can no longer be cancelled." in response.text


def test_a_member_of_a_closed_group_is_told_they_stay_a_member(client, closed_session, practitioner):
    BookingFactory(session=closed_session, user=practitioner)
    client.force_login(practitioner)
    response = client.get(url("cancel_confirm", closed_session))
    assert "You stay a member of the group" in response.text


def test_an_unsafe_next_is_not_followed(client, session, practitioner):
    BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    response = client.get(url("cancel_confirm", session), {"next": "https://evil.example/"})
    assert f'name="next" value="{url("session", session)}"' in response.text
    assert f'href="{url("session", session)}">No, keep my place' in response.text
