"""Everyday journeys walked by visible labels, on a desktop and a phone, axe
clean: who a group is for before any effort, confirming before giving up a
place or a waiting list, a folded series on My sessions, unread meaning
"needs you", searching signed out, and archiving with an undo."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, UserFactory
from signups.models import Booking
from signups.tests.factories import BookingFactory, ClosedGroupFactory, GroupSessionFactory, PeerGroupFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized(request, page):
    page.set_viewport_size(SIZES[request.param])
    return page


def test_a_nurse_reads_who_a_balint_group_is_for_before_doing_anything(sized, live_server):
    group = ClosedGroupFactory(title="Balint for doctors")
    group.eligibility.create(kind="profession", value="doctor")
    GroupSessionFactory(group=group)
    sign_in(sized, live_server.url, UserFactory(display_name="Nia"))  # a nurse

    sized.goto(live_server.url + "/groups/")
    card = sized.locator(".nhsuk-card", has_text="Balint for doctors")
    assert "Doctors" in card.inner_text()
    card.get_by_role("link", name="Balint for doctors").click()
    assert sized.get_by_text("This group is for doctors only. Your profile says you are a nurse.").is_visible()
    assert sized.get_by_role("button", name="Apply to join").count() == 0
    assert sized.get_by_role("link", name="Apply to join").count() == 0
    assert_accessible(sized)


def test_leaving_a_waiting_list_asks_first(sized, live_server):
    session = GroupSessionFactory(group=PeerGroupFactory(title="Full reflective group", capacity=1))
    BookingFactory(session=session)
    person = UserFactory(display_name="Ola")
    BookingFactory(session=session, user=person, status=Booking.Status.WAITLISTED, confirmed_at=None,
                   queued_at=timezone.now())
    sign_in(sized, live_server.url, person)
    sized.goto(live_server.url + "/my-sessions/")
    sized.get_by_role("link", name="Leave").click()
    assert sized.get_by_role("heading", name="Are you sure you want to leave the waiting list?").is_visible()
    assert_accessible(sized)
    sized.get_by_role("link", name="No, stay on the waiting list").click()
    assert sized.get_by_role("heading", name="Waiting lists").is_visible()
    sized.get_by_role("link", name="Leave").click()
    sized.get_by_role("button", name="Yes, leave the waiting list").click()
    assert sized.get_by_text("You have left the waiting list.").is_visible()


def test_a_weekly_group_is_one_card_with_n_more_and_bookings_do_not_pile_up_as_unread(sized, live_server):
    group = ClosedGroupFactory(title="Weekly narrative group")
    person = UserFactory(display_name="Kai")
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    for week in range(10):
        BookingFactory(session=GroupSessionFactory(group=group, starts_at=start + timedelta(weeks=week)),
                       user=person, via_membership=True)
    open_session = GroupSessionFactory(group=PeerGroupFactory(title="Open common ground"))
    sign_in(sized, live_server.url, person)
    sized.goto(f"{live_server.url}/sessions/{open_session.code}/")
    sized.get_by_role("button", name="Book a place").click()
    assert sized.get_by_text("Your place is booked.").is_visible()
    assert sized.get_by_role("button", name="Go to the room").is_visible()  # online: joined from here

    sized.goto(live_server.url + "/my-sessions/")
    assert sized.locator("li.nhsuk-card").count() == 2
    more = sized.get_by_text("9 more")
    assert more.is_visible()
    more.click()
    assert sized.locator("details[open] li").count() == 9
    assert_accessible(sized)
    height = sized.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height  # was thousands of pixels per weekly group

    # The booking confirmation is in the list but not counted as unread.
    sized.goto(live_server.url + "/notifications/")
    assert sized.locator(".nhsuk-header").get_by_text("unread").count() == 0


def test_a_signed_out_visitor_searches_and_is_asked_to_sign_in_to_book(sized, live_server):
    group = PeerGroupFactory(title="Night shift common room", format="common_room", capacity=10)
    GroupSessionFactory(group=group)
    PeerGroupFactory(title="Daytime reflective practice")
    sized.goto(live_server.url + "/groups/")
    sized.get_by_label("Search groups").fill("night")
    sized.get_by_role("button", name="Search").click()
    assert sized.get_by_text("1 group found").is_visible()
    if sized.viewport_size["width"] < 500:
        # On a phone the results are near the top; the filters are folded.
        top = sized.get_by_role("link", name="Night shift common room").bounding_box()["y"]
        assert top < 900, top
        assert not sized.get_by_label("Format").is_visible()
    assert_accessible(sized)
    sized.get_by_role("link", name="Night shift common room").click()
    assert sized.get_by_role("link", name="Sign in to book a place").first.is_visible()
    assert_accessible(sized)


def test_archiving_asks_first_and_can_be_undone(sized, live_server):
    facilitator = FacilitatorFactory(display_name="Ruth")
    group = PeerGroupFactory(title="Friday reflective practice", facilitators=[facilitator])
    session = GroupSessionFactory(group=group)
    BookingFactory(session=session)
    sign_in(sized, live_server.url, facilitator)
    sized.goto(f"{live_server.url}/groups/{group.code}/manage/")
    sized.get_by_role("button", name="Archive this group").click()
    assert sized.get_by_role("heading", name="Are you sure you want to archive this group?").is_visible()
    assert sized.get_by_text("its 1 future session is cancelled").is_visible()
    assert_accessible(sized)
    sized.get_by_role("button", name="Yes, archive this group").click()
    assert sized.get_by_text("Group archived.").is_visible()
    sized.get_by_role("button", name="Restore this group").click()
    assert sized.get_by_text("Group restored. 1 session back on").is_visible()
    assert_accessible(sized)
