"""Display names: no invisible or reordering characters, normalised before
saving, and two people in one group never go by names that look the same."""

import html

import pytest
from django.urls import reverse

from accounts.tests.factories import FacilitatorFactory, UserFactory
from groups.tests.factories import PeerGroupFactory
from signups.models import Booking, Membership
from signups.tests.factories import BookingFactory, GroupSessionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PROFILE = {"profession": "nurse", "career_stage": "fy1", "region": "london", "organisation": ""}
INVISIBLE = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
    "\u200b", "\u200c", "\u200d",  # zero-width space, non-joiner, joiner
    "\ufeff",  # byte order mark / zero-width no-break space
    "\x07", "\x1b",  # control characters
]


def _post_profile(client, name):
    return client.post(reverse("accounts:profile"), {**PROFILE, "display_name": name})


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_a_display_name_with_an_invisible_character_is_refused(client, practitioner, char):
    client.force_login(practitioner)
    response = _post_profile(client, f"Sam{char}K")
    assert response.status_code == 200
    assert "must not contain invisible" in response.content.decode()
    assert "nhsuk-error-summary" in response.content.decode()
    practitioner.refresh_from_db()
    assert char not in practitioner.display_name


@pytest.mark.parametrize("char", ["\u202e", "\u200b"])
def test_onboarding_refuses_them_too(client, char):
    newcomer = UserFactory(onboarded_at=None, display_name="", profession="", career_stage="", region="")
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding"), {**PROFILE, "display_name": f"Ali{char}ce"})
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert not newcomer.is_onboarded


@pytest.mark.parametrize(("typed", "saved"), [
    ("\uff33\uff41\uff4d", "Sam"),  # full-width letters
    ("Jo\u00a0Smith", "Jo Smith"),  # no-break space
    ("\u2160\u2161 Ward", "III Ward"),  # roman numeral characters
    ("Cafe\u0301", "Caf\u00e9"),  # combining accent composed
])
def test_a_display_name_is_saved_nfkc_normalised(client, practitioner, typed, saved):
    client.force_login(practitioner)
    assert _post_profile(client, typed).status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.display_name == saved


def test_a_name_that_grows_past_the_limit_when_normalised_is_refused_not_a_500(client, practitioner):
    client.force_login(practitioner)
    response = _post_profile(client, "\ufdfa" * 3)  # one character, 18 once normalised
    assert response.status_code == 200
    assert "40 characters or fewer" in response.content.decode()


@pytest.fixture
def group_with_sam():
    group = PeerGroupFactory()
    BookingFactory(session=GroupSessionFactory(group=group), user=UserFactory(display_name="Sam  Kay"))
    return group


@pytest.mark.parametrize("lookalike", ["Sam Kay", "sam kay", "SAM   KAY", "\uff33am Kay"])
def test_a_name_looking_like_another_members_in_a_shared_group_is_refused(client, group_with_sam, lookalike):
    person = BookingFactory(session=GroupSessionFactory(group=group_with_sam)).user
    client.force_login(person)
    response = _post_profile(client, lookalike)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "nhsuk-error-summary" in page
    assert "Someone in one of your groups already uses this display name" in page


def test_the_same_name_is_fine_for_people_who_share_no_group(client, group_with_sam, practitioner):
    BookingFactory(user=practitioner)  # a place in some other group
    client.force_login(practitioner)
    assert _post_profile(client, "Sam Kay").status_code == 302


def test_a_cancelled_place_does_not_count_as_sharing_a_group(client, group_with_sam):
    person = BookingFactory(session=GroupSessionFactory(group=group_with_sam), status=Booking.Status.CANCELLED).user
    client.force_login(person)
    assert _post_profile(client, "Sam Kay").status_code == 302


def test_members_and_facilitators_of_a_closed_group_count(client):
    facilitator = FacilitatorFactory(display_name="Dr Lee")
    group = PeerGroupFactory(facilitators=[facilitator])
    member = MembershipFactory(group=group, status=Membership.Status.ACCEPTED).user
    client.force_login(member)
    assert "already uses this display name" in html.unescape(_post_profile(client, "dr lee").content.decode())
    other = MembershipFactory(group=group, status=Membership.Status.ACCEPTED).user
    other.display_name = "Robin"
    other.save()
    assert "already uses" in html.unescape(_post_profile(client, "ROBIN").content.decode())


def test_keeping_ones_own_name_is_not_a_clash(client, group_with_sam):
    sam = Booking.objects.get(session__group=group_with_sam).user
    client.force_login(sam)
    assert _post_profile(client, "Sam Kay").status_code == 302


def test_the_admin_applies_the_same_rules(admin_client, practitioner):
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])
    data = {"email": practitioner.email, "display_name": "Sam\u202eK", "profession": "nurse",
            "career_stage": "fy1", "region": "london", "organisation": "", "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "must not contain invisible" in response.content.decode()
    response = admin_client.post(url, {**data, "display_name": "\uff33am"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.display_name == "Sam"
