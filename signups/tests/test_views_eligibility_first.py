"""Who a group is for is said before any effort: on the card and the group
page, and only the actions a person may take are offered. Text typed into an
application survives an error."""

import pytest
from django.urls import reverse

from groups.eligibility import eligibility_refusal
from signups.models import Membership
from signups.tests.factories import ClosedGroupFactory, GroundRulesFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctors_balint(facilitator):
    group = ClosedGroupFactory(title="Balint for doctors", facilitators=[facilitator])
    group.eligibility.create(kind="profession", value="doctor")
    GroupSessionFactory(group=group)
    return group


def test_the_refusal_reads_as_english(doctors_balint, practitioner):
    assert eligibility_refusal(doctors_balint, practitioner) == (
        "This group is for doctors only. Your profile says you are a nurse.")
    doctors_balint.eligibility.create(kind="profession", value="ahp")
    practitioner.profession = "midwife"
    assert eligibility_refusal(doctors_balint, practitioner) == (
        "This group is for allied health professionals and doctors only. Your profile says you are a midwife.")
    practitioner.profession = "ahp"
    assert eligibility_refusal(doctors_balint, practitioner) is None


def test_the_card_says_who_the_group_is_for(client, doctors_balint, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("groups:browse")).text
    assert "Who it is for" in page
    assert "Doctors" in page


def test_a_nurse_is_told_on_the_page_and_not_offered_apply(client, doctors_balint, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("groups:detail", args=[doctors_balint.code])).text
    assert "This group is for doctors only. Your profile says you are a nurse." in page
    assert "Apply to join" not in page
    assert reverse("signups:apply", args=[doctors_balint.code]) not in page


def test_a_doctor_is_offered_apply(client, doctors_balint, practitioner):
    practitioner.profession = "doctor"
    practitioner.save()
    client.force_login(practitioner)
    page = client.get(reverse("groups:detail", args=[doctors_balint.code])).text
    assert "Apply to join" in page


def test_the_facilitator_is_not_offered_apply_on_their_own_group(client, doctors_balint, facilitator):
    facilitator.profession = "doctor"
    facilitator.save()
    client.force_login(facilitator)
    page = client.get(reverse("groups:detail", args=[doctors_balint.code])).text
    assert "Apply to join" not in page
    assert "You facilitate this group" in page


def test_an_open_group_offers_no_booking_to_someone_not_eligible(client, facilitator, practitioner):
    group = PeerGroupFactory(facilitators=[facilitator])
    group.eligibility.create(kind="profession", value="doctor")
    session = GroupSessionFactory(group=group)
    client.force_login(practitioner)
    for page in (client.get(reverse("groups:detail", args=[group.code])).text,
                 client.get(reverse("signups:session", args=[session.code])).text):
        assert "This group is for doctors only." in page
        assert "Book a place" not in page
        assert reverse("signups:book", args=[session.code]) not in page


def test_the_apply_page_says_why_before_the_ground_rules(client, doctors_balint, practitioner):
    GroundRulesFactory(group=doctors_balint)
    client.force_login(practitioner)
    response = client.get(reverse("signups:apply", args=[doctors_balint.code]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("groups:detail", args=[doctors_balint.code])
    assert "This group is for doctors only." in response.text


def test_an_application_refused_on_posting_keeps_the_note(client, facilitator, practitioner):
    group = ClosedGroupFactory(facilitators=[facilitator])
    GroupSessionFactory(group=group)
    client.force_login(practitioner)
    # The group closes its intake while the person is typing.
    group.intake_open = False
    group.save()
    note = "I work nights & would value this <group>."
    response = client.post(reverse("signups:apply", args=[group.code]), {"note": note})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "not taking new members" in response.text
    assert "I work nights &amp; would value this &lt;group&gt;." in response.text
    assert not Membership.objects.exists()
