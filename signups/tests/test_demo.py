from datetime import timedelta

import pytest
from django.utils import timezone

from core.demo import seed_people
from groups.formats import Format
from signups import demo
from signups.models import Booking, Membership
from signups.tests.factories import ClosedGroupFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


def test_it_does_nothing_without_groups():
    demo.seed(seed_people())
    assert not Booking.objects.exists()


def test_it_seeds_bookings_a_waitlist_and_a_balint_group_idempotently():
    people = seed_people()
    group = PeerGroupFactory(capacity=8)
    for days in (1, 8, 15):
        GroupSessionFactory(group=group, starts_at=timezone.now() + timedelta(days=days))
    balint = ClosedGroupFactory(format=Format.BALINT)
    GroupSessionFactory(group=balint)
    demo.seed(people)
    counts = (Booking.objects.filter(status="confirmed").count(), Booking.objects.filter(status="waitlisted").count(),
              Membership.objects.filter(status="accepted").count(), Membership.objects.filter(status="applied").count())
    assert counts[1] >= 1
    assert counts[2:] == (1, 1)
    assert Booking.objects.filter(session__group=balint, via_membership=True).count() == 1
    demo.seed(people)
    again = (Booking.objects.filter(status="confirmed").count(), Booking.objects.filter(status="waitlisted").count(),
             Membership.objects.filter(status="accepted").count(), Membership.objects.filter(status="applied").count())
    assert again == counts
