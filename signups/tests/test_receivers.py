import pytest

from accounts.tests.factories import UserFactory
from groups.models import GroupSession, PeerGroup
from groups.signals import capacity_changed
from signups.models import Booking
from signups.services import booking_create
from signups.tests.factories import GroupSessionFactory

pytestmark = pytest.mark.django_db


def queue(session, n):
    return [booking_create(session=session, user=UserFactory(), join_waitlist=True) for _ in range(n)]


def test_a_sessions_capacity_raised_promotes_people_waiting(group):
    session = GroupSessionFactory(group=group, capacity=1)
    queue(session, 3)
    GroupSession.objects.filter(pk=session.pk).update(capacity=2)
    capacity_changed.send(sender=PeerGroup, group=group, session=session)
    assert Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count() == 2


def test_a_groups_capacity_raised_promotes_people_waiting(group):
    PeerGroup.objects.filter(pk=group.pk).update(capacity=1)
    group.refresh_from_db()
    session = GroupSessionFactory(group=group)
    queue(session, 3)
    PeerGroup.objects.filter(pk=group.pk).update(capacity=3)
    group.refresh_from_db()
    capacity_changed.send(sender=PeerGroup, group=group)
    assert Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count() == 3
