from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing import queries_for
from signups.models import Booking, Membership
from signups.services import booking_cancel, booking_create
from signups.tests.factories import BookingFactory, GroupSessionFactory, MembershipFactory

pytestmark = pytest.mark.django_db
MY = reverse("signups:my_sessions")


def test_my_sessions_needs_sign_in(client):
    assert client.get(MY).status_code == 302


def test_it_shows_places_waitlists_applications_and_the_past(client, group, closed_group, practitioner):
    now = timezone.now()
    upcoming = BookingFactory(user=practitioner, session=GroupSessionFactory(group=group))
    full = GroupSessionFactory(group=group, capacity=1, starts_at=now + timedelta(days=9))
    BookingFactory(session=full)
    BookingFactory(session=full, user=UserFactory(), status=Booking.Status.WAITLISTED, queued_at=now)
    booking_create(session=full, user=practitioner, join_waitlist=True)
    past = GroupSessionFactory(group=group, starts_at=now - timedelta(days=7))
    BookingFactory(user=practitioner, session=past, attendance=Booking.Attendance.ATTENDED)
    MembershipFactory(user=practitioner, group=closed_group)
    client.force_login(practitioner)
    page = client.get(MY).text
    assert reverse("signups:session", args=[upcoming.session.code]) in page
    assert reverse("signups:session_calendar", args=[upcoming.session.code]) in page
    assert "Number 2" in page
    assert closed_group.title in page
    assert "Applied" in page
    assert "Attended" in page
    assert reverse("signups:feedback", args=[past.code]) in page


def test_it_tells_people_who_were_promoted(client, group, practitioner):
    session = GroupSessionFactory(group=group, capacity=1)
    first = booking_create(session=session, user=UserFactory())
    booking_create(session=session, user=practitioner, join_waitlist=True)
    booking_cancel(booking=first)
    client.force_login(practitioner)
    page = client.get(MY).text
    assert "A place came up for you" in page
    assert "From the waiting list" in page


def test_it_shows_only_my_own(client, group, practitioner):
    theirs = BookingFactory(session=GroupSessionFactory(group=group))
    client.force_login(practitioner)
    page = client.get(MY).text
    assert reverse("signups:session", args=[theirs.session.code]) not in page
    assert "You have no places booked" in page


def test_my_sessions_has_a_fixed_number_of_queries(client, group, closed_group, practitioner):
    now = timezone.now()

    def book(days):
        for when in (now + timedelta(days=days), now - timedelta(days=days)):
            BookingFactory(user=practitioner, session=GroupSessionFactory(group=group, starts_at=when))
        BookingFactory(user=practitioner, status=Booking.Status.WAITLISTED, queued_at=now,
                       session=GroupSessionFactory(group=group, starts_at=now + timedelta(days=days, hours=3)))

    def page():
        assert client.get(MY).status_code == 200

    MembershipFactory(user=practitioner, group=closed_group, status=Membership.Status.ACCEPTED)
    client.force_login(practitioner)
    page()  # the session's first request writes activity stamps
    book(1)
    few = queries_for(page)
    for days in range(2, 7):
        book(days)
    assert queries_for(page) == few


def test_a_groups_series_folds_to_its_next_session_and_n_more(client, group, closed_group, practitioner):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    weekly = [GroupSessionFactory(group=closed_group, starts_at=start + timedelta(weeks=n)) for n in range(8)]
    for session in weekly:
        BookingFactory(user=practitioner, session=session, via_membership=True)
    one_off = BookingFactory(user=practitioner, session=GroupSessionFactory(group=group,
                                                                            starts_at=start + timedelta(days=2)))
    client.force_login(practitioner)
    page = client.get(MY).text
    # One card per group: the weekly group's next session in full, the others folded.
    assert page.count('class="nhsuk-card"') == 2
    assert page.count(reverse("signups:session_calendar", args=[weekly[0].code])) == 1
    assert reverse("signups:session_calendar", args=[weekly[1].code]) not in page
    assert '<details class="nhsuk-details' in page
    assert "7 more" in page
    for session in weekly[1:]:
        assert reverse("signups:session", args=[session.code]) in page
    assert reverse("groups:detail", args=[closed_group.code]) in page
    # The groups come in the order of their next sessions.
    assert page.index(weekly[0].code) < page.index(one_off.session.code)
