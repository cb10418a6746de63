from datetime import time, timedelta

from django.utils import timezone

from groups.tasks import materialise_group, materialise_schedules
from groups.tests.factories import PeerGroupFactory, ScheduleFactory


def test_the_sweep_materialises_published_groups_with_schedules_only(db):
    published = ScheduleFactory(group=PeerGroupFactory(), start_time=time(12, 45)).group
    draft = ScheduleFactory(group=PeerGroupFactory(status="draft")).group
    PeerGroupFactory()  # no schedule

    created = materialise_schedules()

    assert created == published.sessions.count() == 13  # the first session and the 12 weeks after it
    assert not draft.sessions.exists()
    assert materialise_schedules() == 0


def test_one_group_is_materialised_by_id(db):
    group = ScheduleFactory(first_date=timezone.localdate() + timedelta(days=1)).group

    assert materialise_group(group.pk) == 13  # the first session and the 12 weeks after it
    assert materialise_group(999_999) == 0
