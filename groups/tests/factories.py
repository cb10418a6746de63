from datetime import date, time, timedelta

import factory
from django.utils import timezone

from groups.formats import Format, Frequency, Membership
from groups.models import Facilitation, GroundRules, GroupSession, PeerGroup, Schedule


class PeerGroupFactory(factory.django.DjangoModelFactory):
    """A published open reflective-practice group online, with no facilitator
    unless `facilitators=[...]` is given. Every app's tests build on these."""

    class Meta:
        model = PeerGroup
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Group {n}")
    format = Format.REFLECTIVE
    description = "A confidential space to reflect on the emotional side of work."
    membership = Membership.OPEN
    capacity = 8
    duration_minutes = 75
    status = PeerGroup.Status.PUBLISHED

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        for user in extracted or []:
            Facilitation.objects.create(group=obj, user=user)


class GroundRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroundRules

    group = factory.SubFactory(PeerGroupFactory)
    version = factory.Sequence(lambda n: n + 1)  # unique per group, whatever else a test made
    text = "What is said in the group stays in the group."


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    group = factory.SubFactory(PeerGroupFactory)
    frequency = Frequency.WEEKLY
    first_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    start_time = time(12, 45)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A one-off session a week from now (no occurrence: not from a schedule)."""

    class Meta:
        model = GroupSession

    group = factory.SubFactory(PeerGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=75))


def a_future_weekday(weekday: int, *, after: date | None = None) -> date:
    """The first date with this weekday (0 Monday) at least two days after `after`."""
    day = (after or timezone.localdate()) + timedelta(days=2)
    return day + timedelta(days=(weekday - day.weekday()) % 7)
