import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing import queries_for
from signups.models import Booking, Membership
from signups.tests.factories import ClosedGroupFactory, GroundRulesFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, group, *extra):
    return reverse(f"signups:{name}", args=[group.code, *extra])


def test_applying_sends_the_note(client, closed_group, practitioner):
    client.force_login(practitioner)
    assert client.get(url("apply", closed_group)).status_code == 200
    response = client.post(url("apply", closed_group), {"note": "Hello"})
    assert response.status_code == 302
    assert Membership.objects.get(user=practitioner).note == "Hello"


def test_an_empty_note_is_fine(client, closed_group, practitioner):
    client.force_login(practitioner)
    client.post(url("apply", closed_group), {})
    assert Membership.objects.get(user=practitioner).status == Membership.Status.APPLIED


def test_an_oversized_note_is_an_error_not_a_500(client, closed_group, practitioner):
    client.force_login(practitioner)
    response = client.post(url("apply", closed_group), {"note": "x" * 5000})
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert not Membership.objects.exists()


def test_applying_asks_for_the_ground_rules_first(client, closed_group, practitioner):
    rules = GroundRulesFactory(group=closed_group)
    client.force_login(practitioner)
    response = client.get(url("apply", closed_group))
    assert url("ground_rules", closed_group) in response["Location"]
    agreed = client.post(response["Location"], {"agree": "on", "version": rules.version})
    assert url("apply", closed_group) in agreed["Location"]
    assert client.get(agreed["Location"]).status_code == 200


def test_an_open_group_has_no_application_page(client, group, practitioner):
    client.force_login(practitioner)
    assert client.get(url("apply", group)).status_code == 404


@pytest.mark.parametrize("name", ["withdraw", "leave", "intake"])
def test_changing_views_reject_get(client, closed_group, facilitator, name):
    client.force_login(facilitator)
    assert client.get(url(name, closed_group)).status_code == 405


def test_withdrawing_and_leaving(client, closed_group, closed_session, practitioner, facilitator):
    client.force_login(practitioner)
    client.post(url("apply", closed_group), {"note": ""})
    client.post(url("withdraw", closed_group))
    assert Membership.objects.get(user=practitioner).status == Membership.Status.WITHDRAWN
    client.post(url("apply", closed_group), {"note": "Again"})
    membership = Membership.objects.get(user=practitioner)
    client.force_login(facilitator)
    client.post(url("decide", closed_group, membership.code), {"decision": "accept"})
    assert Booking.objects.get(user=practitioner, session=closed_session).via_membership
    client.force_login(practitioner)
    client.post(url("leave", closed_group))
    assert Membership.objects.get(user=practitioner).status == Membership.Status.LEFT
    assert Booking.objects.get(user=practitioner).status == Booking.Status.CANCELLED


def test_the_facilitator_sees_applications_with_names_and_notes(client, closed_group, facilitator):
    MembershipFactory(group=closed_group, user=UserFactory(display_name="Robin", email="robin@nhs.net"),
                      note="I work nights")
    client.force_login(facilitator)
    response = client.get(url("applications", closed_group))
    assert response.status_code == 200
    assert "Robin" in response.text
    assert "I work nights" in response.text
    assert "robin@nhs.net" not in response.text


def test_the_applications_list_has_a_fixed_number_of_queries(client, closed_group, facilitator):
    client.force_login(facilitator)

    def page():
        assert client.get(url("applications", closed_group)).status_code == 200

    page()  # the session's first request writes activity stamps
    MembershipFactory(group=closed_group)
    MembershipFactory(group=closed_group, status=Membership.Status.ACCEPTED)
    few = queries_for(page)
    MembershipFactory.create_batch(6, group=closed_group)
    MembershipFactory.create_batch(3, group=closed_group, status=Membership.Status.ACCEPTED)
    assert queries_for(page) == few


def test_a_programme_admin_never_sees_who_applied(client, closed_group, programme_admin):
    # Admins manage every group but never see individuals (PRODUCT.md).
    client.force_login(programme_admin)
    assert client.get(url("applications", closed_group)).status_code == 404


@pytest.mark.parametrize("who", ["practitioner", "outsider", "other_facilitator"])
def test_others_get_404_on_the_facilitator_pages(client, closed_group, who, request):
    membership = MembershipFactory(group=closed_group)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("applications", closed_group)).status_code == 404
    assert client.get(url("decide", closed_group, membership.code)).status_code == 404
    assert client.post(url("decide", closed_group, membership.code), {"decision": "accept"}).status_code == 404
    assert client.post(url("intake", closed_group), {"intake_open": "0"}).status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED


def test_a_member_gets_404_on_the_facilitator_pages(client, closed_group):
    member = MembershipFactory(group=closed_group, status=Membership.Status.ACCEPTED)
    client.force_login(member.user)
    assert client.get(url("applications", closed_group)).status_code == 404


def test_an_application_of_another_group_is_404(client, closed_group, facilitator):
    elsewhere = MembershipFactory(group=ClosedGroupFactory())
    client.force_login(facilitator)
    assert client.get(url("decide", closed_group, elsewhere.code)).status_code == 404
    assert client.get(url("decide", closed_group, "garbage")).status_code == 404


def test_deciding_with_a_message(client, closed_group, facilitator):
    membership = MembershipFactory(group=closed_group)
    client.force_login(facilitator)
    page = client.get(url("decide", closed_group, membership.code))
    assert "Arrange a joining conversation first" in page.text
    response = client.post(url("decide", closed_group, membership.code),
                           {"decision": "conversation", "response": "Are you free on Monday?"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONVERSATION
    assert membership.response == "Are you free on Monday?"


@pytest.mark.parametrize("data", [{}, {"decision": "make-admin"}, {"decision": "accept", "response": "x" * 3000}])
def test_tampered_decisions_are_errors_not_500s(client, closed_group, facilitator, data):
    membership = MembershipFactory(group=closed_group)
    client.force_login(facilitator)
    response = client.post(url("decide", closed_group, membership.code), data)
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED


def test_accepting_into_a_full_group_shows_why(client, facilitator):
    group = ClosedGroupFactory(capacity=1, facilitators=[facilitator])
    MembershipFactory(group=group, status=Membership.Status.ACCEPTED)
    membership = MembershipFactory(group=group)
    client.force_login(facilitator)
    response = client.post(url("decide", group, membership.code), {"decision": "accept"})
    assert "The group is full" in response.text


def test_closing_and_reopening_intake(client, closed_group, facilitator, practitioner):
    client.force_login(facilitator)
    client.post(url("intake", closed_group), {"intake_open": "0"})
    closed_group.refresh_from_db()
    assert not closed_group.intake_open
    client.force_login(practitioner)
    response = client.post(url("apply", closed_group), {"note": ""}, follow=True)
    assert "not taking new members" in response.text
    assert not Membership.objects.exists()
    client.force_login(facilitator)
    client.post(url("intake", closed_group), {"intake_open": "1"})
    closed_group.refresh_from_db()
    assert closed_group.intake_open


def test_garbage_intake_values_change_nothing(client, closed_group, facilitator):
    client.force_login(facilitator)
    assert client.post(url("intake", closed_group), {"intake_open": "maybe"}).status_code == 302
    closed_group.refresh_from_db()
    assert closed_group.intake_open
