"""Notifications' factories, on top of the groups and sign-ups ones. The
groups' titles name a topic, so tests can check that no subject line gives
it away."""

import factory
from django.utils import timezone

from groups.formats import Format, Membership
from groups.tests.factories import PeerGroupFactory as BasePeerGroupFactory
from notifications.models import Kind, Notification
from signups.models import Membership as GroupMembership
from signups.tests import factories as signups_factories

TOPIC_TITLE = "Balint group for junior doctors on grief"


class PeerGroupFactory(BasePeerGroupFactory):
    """A published online Balint group whose title names its topic."""

    title = factory.Sequence(lambda n: f"{TOPIC_TITLE} {n}")
    format = Format.BALINT
    capacity = 10


class GroupSessionFactory(signups_factories.GroupSessionFactory):
    """A session three days from now."""

    group = factory.SubFactory(PeerGroupFactory)


class BookingFactory(signups_factories.BookingFactory):
    session = factory.SubFactory(GroupSessionFactory)


class MembershipFactory(signups_factories.MembershipFactory):
    """An accepted member of a closed group."""

    group = factory.SubFactory(PeerGroupFactory, membership=Membership.CLOSED)
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
