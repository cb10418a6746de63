"""A sweep's invitations share each session's calendar and set only each
person's own lines; the files must be the ones built one at a time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import vDDDTypes
from icalendar.parser import Contentline

from accounts.tests.factories import UserFactory
from signups.ical import Invitations, _folded, _utc_value, invitation_ics
from signups.models import Booking
from signups.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


def _without_dtstamp(body: bytes) -> bytes:
    return b"\r\n".join(line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP"))


@pytest.mark.parametrize("status", [Booking.Status.CONFIRMED, Booking.Status.CANCELLED])
def test_shared_invitations_equal_the_ones_built_alone(status):
    session = GroupSessionFactory(group__title="Équipe de nuit — a long title " * 3)
    invitations = Invitations()
    for i, address in enumerate(["a@nhs.net", "someone.with.a.very.long.address.indeed.far.beyond@nhs.net"]):
        booking = BookingFactory(session=session, user=UserFactory(email=address), status=status)
        Booking.objects.filter(pk=booking.pk).update(sequence=i + 2, updated_at=timezone.now() + timedelta(hours=i))
        booking.refresh_from_db()
        shared = invitations.invitation(session, booking, attendee=address)
        alone = invitation_ics(session, booking, attendee=address)
        assert shared.method == alone.method
        assert _without_dtstamp(shared.body) == _without_dtstamp(alone.body)
        assert address.encode() in shared.body.replace(b"\r\n ", b"")


def test_a_session_edited_since_gets_a_new_shared_calendar():
    session = GroupSessionFactory()
    booking = BookingFactory(session=session)
    invitations = Invitations()
    invitations.invitation(session, booking, attendee=booking.user.email)
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    shared = invitations.invitation(session, booking, attendee=booking.user.email)
    alone = invitation_ics(session, booking, attendee=booking.user.email)
    assert _without_dtstamp(shared.body) == _without_dtstamp(alone.body)


@pytest.mark.parametrize("text", ["", "a", "x" * 73, "x" * 74, "x" * 75, "x" * 148, "x" * 149, "ab\\,c" * 40,
                                  "a^b" * 60, "Zoë " * 30, "ATTENDEE;CN=x:mailto:" + "y" * 200 + "@nhs.net"])
def test_a_person_line_is_folded_as_icalendar_folds_it(text):
    line = Contentline(text)
    assert _folded(line) == line.to_ical()


@pytest.mark.parametrize("moment", [datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),
                                    datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))])
def test_a_last_modified_value_is_written_as_icalendar_writes_it(moment):
    assert _utc_value(moment) == vDDDTypes(moment).to_ical()
