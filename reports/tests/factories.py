"""Participation data for report tests: groups, held sessions, bookings and
feedback, built directly (the apps' own services are not needed to count)."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.formats import Format, Membership
from groups.models import GroupSession, PeerGroup
from signups.models import Booking, Feedback


class ParticipantFactory(UserFactory):
    """A practitioner without a password hash or email row: cheap in bulk."""

    password = factory.PostGenerationMethodCall("set_unusable_password")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Nobody signs in as a participant in these tests."""


class PeerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerGroup

    title = factory.Sequence(lambda n: f"Group {n}")
    format = Format.SCHWARTZ
    description = "A group for report tests."
    membership = Membership.OPEN
    capacity = 100
    duration_minutes = 60
    status = PeerGroup.Status.PUBLISHED


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A session that has already happened, unless told otherwise."""

    class Meta:
        model = GroupSession

    group = factory.SubFactory(PeerGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=60))


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed place; pass attendance= or status= for other outcomes."""

    class Meta:
        model = Booking

    session = factory.SubFactory(GroupSessionFactory)
    user = factory.SubFactory(ParticipantFactory)
    status = Booking.Status.CONFIRMED
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
