from datetime import timedelta

import pytest
from django.utils import timezone

from privacy.tasks import retention_purge
from signups.models import Booking
from signups.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


def test_the_task_applies_the_retention_periods():
    old = timezone.now() - timedelta(days=800)
    BookingFactory(session=GroupSessionFactory(starts_at=old, ends_at=old + timedelta(hours=1)))
    result = retention_purge.apply().get()
    assert result["bookings_deleted"] == 1
    assert not Booking.objects.exists()
