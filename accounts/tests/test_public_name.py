"""Two people with one display name can be told apart wherever names are
listed together, by a short tag derived from a random per-person code."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import TAG_ALPHABET, name_tag, public_name
from accounts.tests.factories import UserFactory
from rooms.selectors import display_name
from signups.models import Booking
from signups.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


def test_the_tag_is_stable_short_and_differs_between_people():
    sam, other_sam = UserFactory(display_name="Sam"), UserFactory(display_name="Sam")
    assert sam.name_code != other_sam.name_code
    assert public_name(sam) != public_name(other_sam)
    assert public_name(sam) == f"Sam ({name_tag(sam.name_code)})"
    sam.refresh_from_db()
    assert public_name(sam) == f"Sam ({name_tag(sam.name_code)})"  # stable
    tag = name_tag(sam.name_code)
    assert len(tag) == 4
    assert set(tag) <= set(TAG_ALPHABET)
    # Nothing else: not the id, the email or the code itself.
    assert str(sam.pk) not in tag
    assert sam.email not in public_name(sam)
    assert tag not in sam.name_code


def test_the_room_the_roster_and_the_register_tell_two_sams_apart(client, facilitator):
    group = PeerGroupFactory(facilitators=[facilitator])
    session = GroupSessionFactory(group=group, starts_at=timezone.now() - timezone.timedelta(minutes=5))
    sams = [UserFactory(display_name="Sam"), UserFactory(display_name="Sam")]
    for sam in sams:
        BookingFactory(session=session, user=sam, status=Booking.Status.CONFIRMED)
    assert display_name(sams[0]) != display_name(sams[1])
    assert display_name(sams[0]) == public_name(sams[0])
    client.force_login(facilitator)
    roster = client.get(reverse("groups:session_roster", args=[session.code])).text
    register = client.get(reverse("signups:register", args=[session.code])).text
    for sam in sams:
        assert public_name(sam) in roster
        assert public_name(sam) in register
