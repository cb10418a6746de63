"""Participation data for report tests: groups, held sessions, bookings and
feedback, built directly (the apps' own services are not needed to count), on
top of the groups and sign-ups factories."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.formats import Format
from groups.tests import factories as groups_factories
from signups.models import Booking, Feedback
from signups.tests import factories as signups_factories


class ParticipantFactory(UserFactory):
    """A practitioner without a password hash or email row: cheap in bulk."""

    password = factory.PostGenerationMethodCall("set_unusable_password")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Nobody signs in as a participant in these tests."""


class PeerGroupFactory(groups_factories.PeerGroupFactory):
    format = Format.SCHWARTZ
    description = "A group for report tests."
    capacity = 100
    duration_minutes = 60


class GroupSessionFactory(groups_factories.GroupSessionFactory):
    """A session that has already happened, unless told otherwise."""

    group = factory.SubFactory(PeerGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=60))


class BookingFactory(signups_factories.BookingFactory):
    """A confirmed place; pass attendance= or status= for other outcomes."""

    session = factory.SubFactory(GroupSessionFactory)
    user = factory.SubFactory(ParticipantFactory)
    queued_at = factory.LazyAttribute(lambda b: b.session.starts_at - timedelta(days=7))
    confirmed_at = factory.LazyAttribute(
        lambda b: b.queued_at if b.status == Booking.Status.CONFIRMED else None
    )


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    session = factory.SubFactory(GroupSessionFactory)
    helpfulness = 4
    comment = ""
    given_on = factory.LazyAttribute(lambda f: f.session.ends_at.date())
