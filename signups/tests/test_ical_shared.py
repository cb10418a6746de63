"""A sweep's invitations share each session's calendar and set only each
person's own lines; the files must be the ones built one at a time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from signups.ical import Invitations, invitation_ics
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
