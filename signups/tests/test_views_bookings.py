import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from groups.models import PeerGroup
from signups.models import Booking, GroundRulesAcceptance
from signups.tests.factories import BookingFactory, GroundRulesFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


def queries_to_waitlist() -> int:
    """The signed-in person, their roles, the session with all the checks
    ask, then the booking in a savepoint (the test's own transaction): one
    statement on PostgreSQL; the lock, the count and the insert elsewhere."""
    return 3 + (1 if connection.vendor == "postgresql" else 3) + 2


def url(name, session):
    return reverse(f"signups:{name}", args=[session.code])


@pytest.fixture
def draft_session(facilitator):
    return GroupSessionFactory(group=PeerGroupFactory(status=PeerGroup.Status.DRAFT, facilitators=[facilitator]))


def test_the_session_page_needs_sign_in(client, session):
    response = client.get(url("session", session))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_session_page_offers_a_place(client, session, practitioner):
    client.force_login(practitioner)
    response = client.get(url("session", session))
    assert response.status_code == 200
    assert "Book a place" in response.text
    assert "8 places left" in response.text


def test_a_member_sees_their_place_and_can_cancel(client, session, practitioner):
    BookingFactory(session=session, user=practitioner)
    client.force_login(practitioner)
    response = client.get(url("session", session))
    assert "Place confirmed" in response.text
    assert "Cancel my place" in response.text


def test_the_facilitator_sees_their_tools(client, session, facilitator):
    client.force_login(facilitator)
    response = client.get(url("session", session))
    assert response.status_code == 200
    assert url("register", session) in response.text


def test_an_outsider_does_not_see_facilitator_tools(client, session, outsider):
    client.force_login(outsider)
    assert url("register", session) not in client.get(url("session", session)).text


@pytest.mark.parametrize("name", ["session", "session_calendar"])
def test_an_outsider_gets_404_for_an_unpublished_groups_session(client, draft_session, outsider, name):
    client.force_login(outsider)
    assert client.get(url(name, draft_session)).status_code == 404


@pytest.mark.parametrize("name", ["book", "waitlist", "cancel"])
def test_outsiders_get_404_when_posting_to_unpublished_groups(client, draft_session, outsider, name):
    client.force_login(outsider)
    assert client.post(url(name, draft_session)).status_code == 404
    assert not Booking.objects.exists()


def test_garbage_codes_get_404(client, practitioner):
    client.force_login(practitioner)
    assert client.get("/sessions/%00%27;drop/").status_code == 404
    assert client.post("/sessions/" + "x" * 300 + "/book/").status_code == 404


@pytest.mark.parametrize("name", ["book", "waitlist", "cancel"])
def test_changing_views_reject_get(client, session, practitioner, name):
    client.force_login(practitioner)
    assert client.get(url(name, session)).status_code == 405


def test_booking_books_and_returns_to_the_page(client, session, practitioner):
    client.force_login(practitioner)
    response = client.post(url("book", session), {"next": "/my-sessions/"})
    assert response.status_code == 302
    assert response["Location"] == "/my-sessions/"
    assert Booking.objects.get(user=practitioner).status == Booking.Status.CONFIRMED


def test_a_tampered_next_is_ignored(client, session, practitioner):
    client.force_login(practitioner)
    response = client.post(url("book", session), {"next": "https://evil.example/"})
    assert response["Location"] == url("session", session)


def test_a_full_session_offers_the_waitlist_and_changes_nothing(client, group, practitioner):
    full = GroupSessionFactory(group=group, capacity=1)
    BookingFactory(session=full)
    client.force_login(practitioner)
    response = client.post(url("book", full), follow=True)
    assert "join the waiting list" in response.text
    assert not Booking.objects.filter(user=practitioner).exists()
    response = client.post(url("waitlist", full), follow=True)
    assert Booking.objects.get(user=practitioner).status == Booking.Status.WAITLISTED
    assert "You are number 1 in line" in response.text


def test_a_facilitator_cannot_book_their_draft_group(client, draft_session, facilitator):
    client.force_login(facilitator)
    response = client.post(url("book", draft_session), follow=True)
    assert "not taking bookings" in response.text
    assert not Booking.objects.exists()


def test_a_closed_group_session_cannot_be_booked_without_membership(client, closed_session, practitioner):
    client.force_login(practitioner)
    response = client.post(url("book", closed_session), follow=True)
    assert "closed group" in response.text
    assert not Booking.objects.exists()


def test_cancelling_cancels_only_my_own_place(client, session, practitioner):
    mine = BookingFactory(session=session, user=practitioner)
    theirs = BookingFactory(session=session, user=UserFactory())
    client.force_login(practitioner)
    client.post(url("cancel", session))
    assert Booking.objects.get(pk=mine.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(pk=theirs.pk).status == Booking.Status.CONFIRMED


def test_cancelling_without_a_place_changes_nothing(client, session, practitioner):
    client.force_login(practitioner)
    response = client.post(url("cancel", session), follow=True)
    assert "You do not have a place" in response.text


def test_ground_rules_come_first_then_the_booking_goes_ahead(client, group, session, practitioner):
    rules = GroundRulesFactory(group=group, text="Stay in the room, keep it in the room.")
    client.force_login(practitioner)
    response = client.post(url("book", session))
    assert response.status_code == 302
    assert reverse("signups:ground_rules", args=[group.code]) in response["Location"]
    page = client.get(response["Location"])
    assert "Stay in the room" in page.text
    unticked = client.post(response["Location"], {})
    assert unticked.text.count("Error: ") >= 1
    assert "Tick the box" in unticked.text
    assert not Booking.objects.exists()
    done = client.post(response["Location"], {"agree": "on", "version": rules.version})
    assert done["Location"] == url("session", session)
    assert GroundRulesAcceptance.objects.filter(user=practitioner, ground_rules=rules).exists()
    assert Booking.objects.get(user=practitioner).status == Booking.Status.CONFIRMED


def test_agreeing_to_a_version_replaced_while_reading_shows_the_new_one(client, group, session, practitioner):
    old = GroundRulesFactory(group=group, text="Version one.")
    client.force_login(practitioner)
    page = client.post(url("book", session))["Location"]
    assert f'name="version" value="{old.version}"' in client.get(page).text
    new = GroundRulesFactory(group=group, version=old.version + 1, text="Version two: cameras on.")
    stale = client.post(page, {"agree": "on", "version": old.version})
    assert stale.status_code == 200
    assert "changed while you were reading" in stale.text
    assert "Version two" in stale.text
    assert f'name="version" value="{new.version}"' in stale.text
    assert not GroundRulesAcceptance.objects.exists()
    assert not Booking.objects.exists()
    for junk in ["", "x" * 50, "-1", "2.0"]:
        assert client.post(page, {"agree": "on", "version": junk}).status_code == 200
    assert not Booking.objects.exists()
    done = client.post(page, {"agree": "on", "version": new.version})
    assert done["Location"] == url("session", session)
    assert GroundRulesAcceptance.objects.get(user=practitioner).ground_rules == new


def test_the_ground_rules_page_ignores_a_session_of_another_group(client, group, practitioner):
    rules = GroundRulesFactory(group=group)
    other = GroupSessionFactory()
    client.force_login(practitioner)
    page = reverse("signups:ground_rules", args=[group.code]) + f"?intent=book&session={other.code}"
    client.post(page, {"agree": "on", "version": rules.version})
    assert not Booking.objects.exists()


def test_a_drop_in_room_says_join_and_places_left(client, practitioner):
    from signups.tests.factories import CommonRoomFactory

    room = GroupSessionFactory(group=CommonRoomFactory(capacity=10))
    BookingFactory.create_batch(7, session=room)
    client.force_login(practitioner)
    page = client.get(url("session", room)).text
    assert "3 places left" in page
    assert ">Join<" in page


def test_joining_the_waiting_list_asks_the_checks_nothing_more(client, django_assert_max_num_queries, group,
                                                               practitioner):
    """The session, who the group is for and its ground rules come in one
    query; then the booking (the rest are the signed-in request's own)."""
    full = GroupSessionFactory(group=group, capacity=1)
    BookingFactory(session=full)
    rules = GroundRulesFactory(group=group)
    GroundRulesAcceptance.objects.create(user=practitioner, ground_rules=rules)
    client.force_login(practitioner)
    client.get(url("session", full))  # a browser's first request records its session
    with django_assert_max_num_queries(queries_to_waitlist()):
        assert client.post(url("waitlist", full)).status_code == 302
    assert Booking.objects.get(user=practitioner).status == Booking.Status.WAITLISTED


def test_a_newer_version_of_the_ground_rules_is_asked_before_booking(client, group, session, practitioner):
    agreed = GroundRulesFactory(group=group)
    GroundRulesAcceptance.objects.create(user=practitioner, ground_rules=agreed)
    GroundRulesFactory(group=group, version=agreed.version + 1)
    client.force_login(practitioner)
    response = client.post(url("book", session))
    assert reverse("signups:ground_rules", args=[group.code]) in response["Location"]
    assert not Booking.objects.exists()
