"""Pages offer only what the person can do: the room for online sessions once
they hold a place, and no application to a group they facilitate."""

import pytest
from django.urls import reverse

from groups.models import PeerGroup
from signups.errors import SignupRefused
from signups.models import Membership
from signups.services import membership_apply
from signups.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


def room_url(session):
    return reverse("rooms:room", args=[session.code])


@pytest.mark.parametrize("page", ["signups:session", "groups:detail", "signups:my_sessions"])
def test_a_place_at_an_online_session_offers_the_room_on_every_page(client, session, practitioner, page):
    BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    args = {"signups:session": [session.code], "groups:detail": [session.group.code]}.get(page, [])
    response = client.get(reverse(page, args=args))
    assert f'href="{room_url(session)}"' in response.text
    assert response.text.count(f'href="{room_url(session)}"') == 1


def test_no_room_is_offered_before_booking(client, session, practitioner):
    client.force_login(practitioner)
    assert room_url(session) not in client.get(reverse("signups:session", args=[session.code])).text


@pytest.mark.parametrize(("delivery", "extra", "shown"), [
    (PeerGroup.Delivery.IN_PERSON, {"venue": "Library, Level 2"}, "In person: Library, Level 2"),
    (PeerGroup.Delivery.EXTERNAL, {"external_url": "https://meet.example.nhs.uk/x"},
     'href="https://meet.example.nhs.uk/x"'),
])
def test_sessions_met_elsewhere_say_where_and_offer_no_room(client, practitioner, delivery, extra, shown):
    session = GroupSessionFactory(group=PeerGroupFactory(delivery=delivery, **extra))
    BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    for url in (reverse("signups:session", args=[session.code]), reverse("signups:my_sessions")):
        text = client.get(url).text
        assert room_url(session) not in text
        assert "Go to the room" not in text
        assert shown in text


def test_the_facilitator_of_an_online_session_reaches_the_room_from_its_page(client, session, facilitator):
    client.force_login(facilitator)
    assert f'href="{room_url(session)}"' in client.get(reverse("signups:session", args=[session.code])).text


def test_a_facilitator_is_not_offered_to_apply_to_their_own_group(client, closed_group, facilitator):
    client.force_login(facilitator)
    text = client.get(reverse("groups:detail", args=[closed_group.code])).text
    assert "Apply to join" not in text
    assert reverse("signups:apply", args=[closed_group.code]) not in text
    assert "You facilitate this group" in text


def test_a_practitioner_is_still_offered_to_apply(client, closed_group, practitioner):
    client.force_login(practitioner)
    assert "Apply to join" in client.get(reverse("groups:detail", args=[closed_group.code])).text


def test_a_facilitators_application_to_their_own_group_is_refused(client, closed_group, facilitator):
    with pytest.raises(SignupRefused, match="You facilitate this group"):
        membership_apply(group=closed_group, user=facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("signups:apply", args=[closed_group.code]), {"note": "Hello"}, follow=True)
    assert "You facilitate this group, so you do not need to apply." in response.text
    assert not Membership.objects.exists()
