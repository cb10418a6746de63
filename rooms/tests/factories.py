"""Room tests build on the groups and sign-ups factories; a room's session is
one under way now, so its room is open."""

from datetime import timedelta

import factory
from django.utils import timezone

from groups.tests import factories as groups_factories
from groups.tests.factories import PeerGroupFactory
from signups.tests import factories as signups_factories

__all__ = ["BookingFactory", "GroupSessionFactory", "PeerGroupFactory"]


class GroupSessionFactory(groups_factories.GroupSessionFactory):
    """A session that started five minutes ago."""

    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))


class BookingFactory(signups_factories.BookingFactory):
    """A confirmed place at a session under way."""

    session = factory.SubFactory(GroupSessionFactory)
