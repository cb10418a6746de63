"""A person with something of every kind the service holds, for the export
and erasure tests."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.services import preference_update
from rooms.models import Presence, Room
from signups.models import Booking
from signups.services import calendar_feed_renew, ground_rules_accept
from signups.tests.factories import (
    BookingFactory,
    ClosedGroupFactory,
    GroundRulesFactory,
    GroupSessionFactory,
    MembershipFactory,
    PeerGroupFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def person(practitioner, facilitator):
    """`practitioner`, with a past and a future place, a closed-group
    application, two-factor authentication, a calendar feed and more."""
    now = timezone.now()
    group = PeerGroupFactory(facilitators=[facilitator], title="Thursday reflective practice")
    week_ago = now - timedelta(days=7)
    past = GroupSessionFactory(group=group, starts_at=week_ago, ends_at=week_ago + timedelta(hours=1))
    future = GroupSessionFactory(group=group, capacity=1)
    past_booking = BookingFactory(session=past, user=practitioner, attendance=Booking.Attendance.ATTENDED)
    future_booking = BookingFactory(session=future, user=practitioner)
    closed = ClosedGroupFactory(facilitators=[facilitator], title="Balint for new consultants")
    membership = MembershipFactory(group=closed, user=practitioner, note="I had a hard year on the ward.",
                                   response="Welcome: let's talk first.")
    rules = GroundRulesFactory(group=group)
    ground_rules_accept(user=practitioner, ground_rules=rules)
    EmailAddress.objects.create(user=practitioner, email="second@nhs.net", verified=False, primary=False)
    TOTP.activate(practitioner, TOTP_SECRET)
    feed = calendar_feed_renew(user=practitioner)
    preference_update(user=practitioner, reminder_24h=False, reminder_1h=True)
    Notification.objects.create(user=practitioner, kind=Kind.BOOKING_CONFIRMED, booking=future_booking, due_at=now)
    Notification.objects.create(user=practitioner, kind=Kind.APPLICATION_ACCEPTED, membership=membership, due_at=now)
    room = Room.objects.create(session=past, lobby_enabled=False)
    Presence.objects.create(room=room, user=practitioner, state=Presence.State.ADMITTED, joined_at=past.starts_at)
    return SimpleNamespace(
        user=practitioner, group=group, past=past, future=future, past_booking=past_booking,
        future_booking=future_booking, closed=closed, membership=membership, feed=feed,
    )


@pytest.fixture
def waiting(person):
    """Someone first in line for the person's full future session."""
    return BookingFactory(session=person.future, status=Booking.Status.WAITLISTED, confirmed_at=None,
                          queued_at=timezone.now())

