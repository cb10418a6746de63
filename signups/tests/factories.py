"""Factories for sign-ups' tests. Groups and sessions are made here too (kept
local to these tests) so sign-ups' tests do not depend on the groups app's."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.formats import Format, Membership
from groups.models import Facilitation, GroundRules, GroupSession, PeerGroup
from signups import models


class PeerGroupFactory(factory.django.DjangoModelFactory):
    """A published open group."""

    class Meta:
        model = PeerGroup
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Wednesday group {n}")
    format = Format.REFLECTIVE
    description = "A place to talk about the emotional side of work."
    membership = Membership.OPEN
    capacity = 8
    duration_minutes = 75
    status = PeerGroup.Status.PUBLISHED

    @factory.post_generation
    def facilitated_by(obj, create, extracted, **kwargs):
        for user in extracted or []:
            Facilitation.objects.create(group=obj, user=user)


class ClosedGroupFactory(PeerGroupFactory):
    format = Format.BALINT
    membership = Membership.CLOSED
    joining_conversation = True
    capacity = 10


class CommonRoomFactory(PeerGroupFactory):
    format = Format.COMMON_ROOM
    capacity = 10
    duration_minutes = 60


class GroundRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroundRules

    group = factory.SubFactory(PeerGroupFactory)
    version = factory.Sequence(lambda n: n + 1)
    text = "What is said in the group stays in the group."


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A session starting in three days."""

    class Meta:
        model = GroupSession

    group = factory.SubFactory(PeerGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=75))


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
