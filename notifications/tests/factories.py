"""Factories for notifications' tests, kept local so they do not depend on
other apps' test modules."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.formats import Format, Membership
from groups.models import GroupSession, PeerGroup
from notifications.models import Kind, Notification
from signups.models import Booking
from signups.models import Membership as GroupMembership

TOPIC_TITLE = "Balint group for junior doctors on grief"


class PeerGroupFactory(factory.django.DjangoModelFactory):
    """A published online Balint group whose title names its topic, so tests
    can check that no subject line gives it away."""

    class Meta:
        model = PeerGroup

    title = factory.Sequence(lambda n: f"{TOPIC_TITLE} {n}")
    format = Format.BALINT
    description = "A confidential group."
    membership = Membership.OPEN
    capacity = 10
    duration_minutes = 75
    status = PeerGroup.Status.PUBLISHED


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A session three days from now."""

    class Meta:
        model = GroupSession

    group = factory.SubFactory(PeerGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=75))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(GroupSessionFactory)
    user = factory.SubFactory(UserFactory)
    status = Booking.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(PeerGroupFactory, membership=Membership.CLOSED)
    user = factory.SubFactory(UserFactory)
    status = GroupMembership.Status.ACCEPTED
    decided_at = factory.LazyFunction(timezone.now)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A reminder for a booking, due now."""

    class Meta:
        model = Notification

    booking = factory.SubFactory(BookingFactory)
    user = factory.SelfAttribute("booking.user")
    kind = Kind.REMINDER_1H
    stamp = factory.LazyAttribute(lambda n: _stamp(n.booking.session.starts_at) if n.kind in (
        Kind.REMINDER_1H, Kind.REMINDER_24H) else "")
    due_at = factory.LazyFunction(timezone.now)


def _stamp(starts_at):
    from notifications.scheduling import reminder_stamp

    return reminder_stamp(starts_at)
