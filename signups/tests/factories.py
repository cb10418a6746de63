"""Sign-ups' factories, on top of the groups app's (re-exported here so a
test imports everything it builds from one place)."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.formats import Format, Membership
from groups.tests import factories as groups_factories
from groups.tests.factories import GroundRulesFactory, PeerGroupFactory
from signups import models

__all__ = ["BookingFactory", "ClosedGroupFactory", "CommonRoomFactory", "GroundRulesFactory", "GroupSessionFactory",
           "MembershipFactory", "PeerGroupFactory"]


class ClosedGroupFactory(PeerGroupFactory):
    format = Format.BALINT
    membership = Membership.CLOSED
    joining_conversation = True
    capacity = 10


class CommonRoomFactory(PeerGroupFactory):
    format = Format.COMMON_ROOM
    capacity = 10
    duration_minutes = 60


class GroupSessionFactory(groups_factories.GroupSessionFactory):
    """A session starting in three days."""

    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=3))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Booking

    session = factory.SubFactory(GroupSessionFactory)
    user = factory.SubFactory(UserFactory)
    status = models.Booking.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    group = factory.SubFactory(ClosedGroupFactory)
    user = factory.SubFactory(UserFactory)
    status = models.Membership.Status.APPLIED
