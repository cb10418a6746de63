from datetime import UTC, datetime

from groups.templatetags.groups_tags import audience, get_item, when
from groups.tests.factories import PeerGroupFactory


def test_times_read_the_nhs_way_in_uk_time():
    starts = datetime(2026, 3, 3, 12, 45, tzinfo=UTC)
    ends = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)

    assert when(starts, ends) == "Tuesday 3 March 2026, 12:45pm to 2pm"
    assert when(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "Wednesday 1 July 2026, midday"  # BST
    assert when(None) == ""


def test_get_item_looks_up_by_a_variable_key():
    assert get_item({3: "booked"}, 3) == "booked"
    assert get_item({}, 3) is None
    assert get_item("", 3) is None


def test_audience_says_who_a_group_is_for(db):
    group = PeerGroupFactory()
    assert audience(group) == "All staff"
    group.eligibility.create(kind="profession", value="nurse")
    group.eligibility.create(kind="career_stage", value="fy1")

    assert audience(group) == "Nurses at these career stages: Foundation Year 1"
    group.eligibility.create(kind="profession", value="doctor")
    group.eligibility.create(kind="profession", value="midwife")
    assert audience(group).startswith("Doctors, midwives and nurses at")
    group.eligibility.filter(kind="profession").delete()
    assert audience(group) == "All staff at these career stages: Foundation Year 1"
