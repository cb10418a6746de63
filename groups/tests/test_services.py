from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import FacilitatorFactory
from groups.formats import Frequency
from groups.models import Facilitation, GroupSession, PeerGroup
from groups.recurrence import ScheduleSpec
from groups.services import (
    GroupDetails,
    facilitator_add,
    facilitator_remove,
    group_archive,
    group_create,
    group_publish,
    group_update,
)
from groups.signals import capacity_changed
from groups.tests.factories import PeerGroupFactory

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
WEEKLY = ScheduleSpec(Frequency.WEEKLY, date(2027, 2, 4), time(12, 45), count=8)


def details(**changes) -> GroupDetails:
    values = dict(title="Thursday Balint", format="balint", description="Cases, feelings, colleagues.",
                  membership="closed", intake_open=True, capacity=10, duration_minutes=75,
                  delivery="online", external_url="", venue="")
    values.update(changes.pop("values", {}))
    return GroupDetails(values=values, ground_rules=changes.pop("ground_rules", "Confidential."), **changes)


def test_creating_a_group_makes_a_draft_with_its_facilitator_rules_and_sessions(facilitator):
    group = group_create(facilitator=facilitator, details=details(professions=["doctor"]), schedule=WEEKLY, now=NOW)

    assert group.status == PeerGroup.Status.DRAFT
    assert list(group.facilitators.all()) == [facilitator]
    assert group.current_ground_rules.version == 1
    assert list(group.eligibility.values_list("kind", "value")) == [("profession", "doctor")]
    assert group.sessions.count() == 8
    assert group.joining_conversation  # a Balint default for closed groups


def test_a_practitioner_cannot_create_a_group(practitioner):
    with pytest.raises(ValidationError):
        group_create(facilitator=practitioner, details=details(), schedule=WEEKLY, now=NOW)

    assert not PeerGroup.objects.exists()


@pytest.mark.parametrize(("values", "field"), [
    ({"capacity": 13}, "capacity"),
    ({"duration_minutes": 120}, "end_time"),
    ({"delivery": "in_person", "venue": ""}, "venue"),
    ({"delivery": "external", "external_url": "http://meet.example.com/x"}, "external_url"),
])
def test_creating_refuses_bad_details_and_saves_nothing(facilitator, values, field):
    with pytest.raises(ValidationError) as refusal:
        group_create(facilitator=facilitator, details=details(values=values), schedule=WEEKLY, now=NOW)

    assert field in refusal.value.error_dict
    assert not PeerGroup.objects.exists()


def test_a_schedule_starting_in_the_past_saves_nothing(facilitator):
    past = ScheduleSpec(Frequency.WEEKLY, date(2027, 1, 4), time(12, 45))

    with pytest.raises(ValidationError):
        group_create(facilitator=facilitator, details=details(), schedule=past, now=NOW)

    assert not PeerGroup.objects.exists()
    assert not GroupSession.objects.exists()


def test_editing_the_ground_rules_makes_a_new_version(facilitator):
    group = group_create(facilitator=facilitator, details=details(), schedule=WEEKLY, now=NOW)

    group_update(group=group, details=details(ground_rules="Confidential."), schedule=WEEKLY, now=NOW)
    assert group.ground_rules.count() == 1
    group_update(group=group, details=details(ground_rules="Confidential. Cameras on."), schedule=WEEKLY, now=NOW)

    assert group.current_ground_rules.version == 2
    assert group.current_ground_rules.text == "Confidential. Cameras on."


def test_raising_the_capacity_is_announced(facilitator, django_capture_on_commit_callbacks):
    group = group_create(facilitator=facilitator, details=details(), schedule=WEEKLY, now=NOW)
    heard = []

    def receiver(sender, group, session, **kwargs):
        heard.append((group.capacity, session))

    capacity_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            group_update(group=group, details=details(values={"capacity": 9}), schedule=WEEKLY, now=NOW)
            group_update(group=group, details=details(values={"capacity": 12}), schedule=WEEKLY, now=NOW)
    finally:
        capacity_changed.disconnect(receiver)

    assert heard == [(12, None)]


def test_format_and_membership_are_fixed_once_published(facilitator):
    group = group_create(facilitator=facilitator, details=details(), schedule=WEEKLY, now=NOW)
    group_publish(group=group, now=NOW)

    group_update(group=group, details=details(values={"membership": "open", "format": "reflective"}),
                 schedule=WEEKLY, now=NOW)

    group.refresh_from_db()
    assert (group.format, group.membership) == ("balint", "closed")


def test_only_a_draft_can_be_published(facilitator):
    group = group_create(facilitator=facilitator, details=details(), schedule=WEEKLY, now=NOW)
    group_publish(group=group, now=NOW)

    with pytest.raises(ValidationError):
        group_publish(group=group, now=NOW)


def test_archiving_cancels_future_sessions_only(facilitator):
    group = group_create(facilitator=facilitator, details=details(), schedule=WEEKLY, now=NOW)
    first = group.sessions.order_by("starts_at").first()

    group_archive(group=group, now=first.starts_at + timedelta(minutes=1))

    assert group.status == PeerGroup.Status.ARCHIVED
    assert group.sessions.filter(status=GroupSession.Status.CANCELLED).count() == 7
    first.refresh_from_db()
    assert not first.is_cancelled


def test_a_co_facilitator_must_hold_the_role(practitioner):
    group = PeerGroupFactory()

    with pytest.raises(ValidationError) as refusal:
        facilitator_add(group=group, email=practitioner.email)
    with pytest.raises(ValidationError):
        facilitator_add(group=group, email="nobody@nhs.net")

    assert "email" in refusal.value.error_dict
    assert not Facilitation.objects.exists()


def test_a_co_facilitator_is_added_once(facilitator, other_facilitator):
    group = PeerGroupFactory(facilitators=[facilitator])

    facilitator_add(group=group, email=other_facilitator.email.upper())
    with pytest.raises(ValidationError):
        facilitator_add(group=group, email=other_facilitator.email)

    assert set(group.facilitators.all()) == {facilitator, other_facilitator}


def test_the_last_facilitator_cannot_be_removed(facilitator):
    second = FacilitatorFactory()
    group = PeerGroupFactory(facilitators=[facilitator, second])

    facilitator_remove(group=group, facilitation=Facilitation.objects.get(user=second))
    with pytest.raises(ValidationError):
        facilitator_remove(group=group, facilitation=Facilitation.objects.get(user=facilitator))

    assert list(group.facilitators.all()) == [facilitator]


def test_a_group_starting_more_than_12_weeks_ahead_has_sessions_and_can_be_published(facilitator):
    later = ScheduleSpec(Frequency.WEEKLY, date(2027, 6, 3), time(12, 45))  # 17 weeks after NOW
    group = group_create(facilitator=facilitator, details=details(), schedule=later, now=NOW)

    assert group.sessions.order_by("starts_at").first().starts_at.date() == date(2027, 6, 3)
    group_publish(group=group, now=NOW)
    assert group.status == PeerGroup.Status.PUBLISHED


def test_a_group_without_upcoming_sessions_cannot_be_published(facilitator):
    once = ScheduleSpec(Frequency.ONCE, date(2027, 2, 4), time(12, 45))
    group = group_create(facilitator=facilitator, details=details(), schedule=once, now=NOW)

    with pytest.raises(ValidationError, match="no upcoming sessions"):
        group_publish(group=group, now=datetime(2027, 2, 5, tzinfo=UTC))  # its only session has passed

    group.refresh_from_db()
    assert group.status == PeerGroup.Status.DRAFT
