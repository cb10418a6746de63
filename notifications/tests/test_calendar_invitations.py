"""Emailed calendar files are scheduling messages (RFC 5546), so mail programs
update or remove the entry: a place booked or moved is a REQUEST, a session
called off a CANCEL, one UID throughout and a SEQUENCE that rises by one."""

import email
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.services import session_cancel, session_move
from notifications.tests.factories import BookingFactory, GroupSessionFactory
from signups.models import Booking
from signups.services import booking_create

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def calendar_parts(message) -> list:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    return [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]


def invitation(message):
    """The email's one calendar part, its method parameter and its event."""
    (part,) = calendar_parts(message)
    cal = icalendar.Calendar.from_ical(part.get_content())
    (event,) = cal.walk("VEVENT")
    return part, cal, event


def london(year, month, day, hour=18, minute=30):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_booking_moving_and_cancelling_update_one_calendar_entry(django_capture_on_commit_callbacks, mailoutbox):
    year = timezone.localdate().year + 1
    winter = london(year, 1, 14)  # Greenwich Mean Time
    session = GroupSessionFactory(starts_at=winter, ends_at=winter + timedelta(minutes=90))
    person = UserFactory()
    n = session.sequence

    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=session, user=person)
    part, cal, booked = invitation(mailoutbox[-1])
    assert (part.get_param("method"), str(cal["METHOD"])) == ("REQUEST", "REQUEST")
    assert booked["SEQUENCE"] == n
    assert str(booked["STATUS"]) == "CONFIRMED"

    summer = london(year, 7, 15)  # British Summer Time: same wall clock, other offset
    with django_capture_on_commit_callbacks(execute=True):
        session_move(session=session, starts_at=summer, ends_at=summer + timedelta(minutes=90))
    part, cal, moved = invitation(mailoutbox[-1])
    assert (part.get_param("method"), str(cal["METHOD"])) == ("REQUEST", "REQUEST")
    assert moved["UID"] == booked["UID"]
    assert moved["SEQUENCE"] == n + 1
    for event, offset in ((booked, timedelta(0)), (moved, timedelta(hours=1))):
        start = event.decoded("DTSTART")
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        assert ((start.hour, start.minute), start.utcoffset()) == ((18, 30), offset)
        assert event.decoded("DTEND") - start == timedelta(minutes=90)

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, reason="Facilitator unwell")
    part, cal, cancelled = invitation(mailoutbox[-1])
    assert (part.get_param("method"), str(cal["METHOD"])) == ("CANCEL", "CANCEL")
    assert cancelled["UID"] == booked["UID"]
    assert cancelled["SEQUENCE"] == n + 2
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert len(mailoutbox) == 3


def test_the_invitation_names_the_service_as_organizer_and_the_recipient_as_attendee(
        django_capture_on_commit_callbacks, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Staff peer support <no-reply@peersupport.example.nhs.uk>"
    session = GroupSessionFactory()
    person = UserFactory(email="nurse@trust.nhs.net")
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=session, user=person)
    _, _, event = invitation(mailoutbox[-1])
    assert str(event["ORGANIZER"]) == "mailto:no-reply@peersupport.example.nhs.uk"
    assert event["ORGANIZER"].params["CN"] == "Staff peer support"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:nurse@trust.nhs.net"
    assert (attendee.params["PARTSTAT"], attendee.params["RSVP"]) == ("ACCEPTED", "FALSE")
    part = calendar_parts(mailoutbox[-1])[0]
    assert part.get_content_disposition() == "attachment"
    assert part.get_filename() == "session.ics"


def test_people_on_the_waiting_list_get_no_cancellation_file(django_capture_on_commit_callbacks, mailoutbox):
    waiting = BookingFactory(status=Booking.Status.WAITLISTED, confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=waiting.session, reason="Facilitator unwell")
    assert [m.to for m in mailoutbox] == [[waiting.user.email]]
    assert calendar_parts(mailoutbox[-1]) == []  # it was never in their calendar


def test_cancelling_ones_own_place_sends_a_cancel_and_booking_again_a_request(
        django_capture_on_commit_callbacks, mailoutbox):
    from signups.services import booking_cancel

    session = GroupSessionFactory()
    person = UserFactory()
    n = session.sequence
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, user=person)
    _, _, booked = invitation(mailoutbox[-1])

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking)
    message = mailoutbox[-1]
    assert message.subject.startswith("Your place on ")
    assert message.subject.endswith(" is cancelled")
    assert session.group.title not in message.subject
    part, cal, cancelled = invitation(message)
    assert (part.get_param("method"), str(cal["METHOD"])) == ("CANCEL", "CANCEL")
    assert cancelled["UID"] == booked["UID"]
    assert cancelled["SEQUENCE"] == n + 1
    assert str(cancelled["STATUS"]) == "CANCELLED"

    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=session, user=person)
    part, cal, again = invitation(mailoutbox[-1])
    assert (part.get_param("method"), again["UID"], again["SEQUENCE"]) == ("REQUEST", booked["UID"], n + 2)
    assert len(mailoutbox) == 3


def test_leaving_a_waiting_list_or_a_group_sends_no_cancellation(django_capture_on_commit_callbacks, mailoutbox):
    from signups.services import booking_cancel

    session = GroupSessionFactory(group__capacity=1)
    BookingFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = booking_create(session=session, user=UserFactory(), join_waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=waiting)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=BookingFactory(session=GroupSessionFactory()), by_person=False)
    assert mailoutbox == []
