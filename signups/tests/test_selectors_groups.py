from datetime import UTC, datetime, timedelta

import pytest

from accounts.tests.factories import UserFactory
from groups.models import Eligibility, PeerGroup
from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
from programmes.selectors import programmes_to_browse
from programmes.tests.factories import ProgrammeFactory
from signups.models import Booking, Membership
from signups.selectors import (
    BrowseFilters,
    browse_groups,
    fellow_member_names,
    groups_run_by,
    programme_groups,
    roster,
    sessions_with_counts,
    upcoming_sessions,
)

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # a Monday, GMT
TUESDAY_MORNING = datetime(2027, 2, 2, 9, 30, tzinfo=UTC)
THURSDAY_EVENING = datetime(2027, 2, 4, 18, 0, tzinfo=UTC)


def session(group, starts_at, **kwargs):
    return GroupSessionFactory(group=group, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **kwargs)


def book(s, status="confirmed", user=None):
    return Booking.objects.create(session=s, user=user or UserFactory(), status=status)


def titles(filters: BrowseFilters, user) -> set[str]:
    return {g.title for g in browse_groups(user=user, filters=filters, now=NOW)}


def test_session_counts_and_places_left(db):
    group = PeerGroupFactory(capacity=2)
    s = session(group, TUESDAY_MORNING)
    book(s)
    book(s, "waitlisted")
    book(s, "cancelled")
    override = session(group, THURSDAY_EVENING, capacity=5)

    counted = {x.pk: x for x in sessions_with_counts(group.sessions.all())}

    assert (counted[s.pk].confirmed_count, counted[s.pk].waitlist_count, counted[s.pk].places_left) == (1, 1, 1)
    assert counted[override.pk].places_left == 5


def test_places_left_never_goes_below_zero(db):
    group = PeerGroupFactory(capacity=2)
    s = session(group, TUESDAY_MORNING)
    for _ in range(3):
        book(s)

    assert sessions_with_counts(group.sessions.all()).get().places_left == 0


def test_upcoming_sessions_include_one_in_progress_but_not_past_ones(db):
    group = PeerGroupFactory()
    session(group, NOW - timedelta(hours=2))
    running = session(group, NOW - timedelta(minutes=30))
    later = session(group, TUESDAY_MORNING)

    assert list(upcoming_sessions(group=group, now=NOW)) == [running, later]


def test_browse_shows_published_groups_with_their_next_session(practitioner):
    group = PeerGroupFactory(title="Published", capacity=3)
    session(group, THURSDAY_EVENING)
    first = session(group, TUESDAY_MORNING)
    book(first)
    session(group, NOW + timedelta(hours=1), status="cancelled")
    PeerGroupFactory(title="Draft", status=PeerGroup.Status.DRAFT)
    PeerGroupFactory(title="Archived", status=PeerGroup.Status.ARCHIVED)

    [found] = browse_groups(user=practitioner, filters=BrowseFilters(), now=NOW)

    assert found.title == "Published"
    assert (found.next_starts_at, found.next_places_left) == (TUESDAY_MORNING, 2)


def test_browse_filters_by_format(practitioner):
    PeerGroupFactory(title="Balint", format="balint")
    PeerGroupFactory(title="Round", format="schwartz")

    assert titles(BrowseFilters(format="balint"), practitioner) == {"Balint"}


def test_browse_filters_by_membership(practitioner):
    PeerGroupFactory(title="Open", membership="open")
    PeerGroupFactory(title="Closed", membership="closed")

    assert titles(BrowseFilters(membership="closed"), practitioner) == {"Closed"}


def test_browse_filters_online_or_in_person(practitioner):
    PeerGroupFactory(title="Room", delivery="online")
    PeerGroupFactory(title="Teams", delivery="external", external_url="https://teams.example.com/x")
    PeerGroupFactory(title="Chapel", delivery="in_person", venue="Hospital chapel")

    assert titles(BrowseFilters(where="online"), practitioner) == {"Room", "Teams"}
    assert titles(BrowseFilters(where="in_person"), practitioner) == {"Chapel"}


def test_browse_filters_by_day_and_time_of_day_in_uk_time(practitioner):
    session(PeerGroupFactory(title="Tuesday morning"), TUESDAY_MORNING)
    session(PeerGroupFactory(title="Thursday evening"), THURSDAY_EVENING)
    # 16:30 UTC on a summer Wednesday is 17:30 in London: evening.
    session(PeerGroupFactory(title="Summer evening"), datetime(2027, 6, 2, 16, 30, tzinfo=UTC))
    session(PeerGroupFactory(title="Past Tuesday"), datetime(2027, 1, 26, 9, 30, tzinfo=UTC))

    assert titles(BrowseFilters(weekday=2), practitioner) == {"Tuesday morning"}
    assert titles(BrowseFilters(weekday=4), practitioner) == {"Thursday evening"}
    assert titles(BrowseFilters(time_of_day="morning"), practitioner) == {"Tuesday morning"}
    assert titles(BrowseFilters(time_of_day="evening"), practitioner) == {"Thursday evening", "Summer evening"}
    assert titles(BrowseFilters(time_of_day="afternoon"), practitioner) == set()
    assert titles(BrowseFilters(weekday=4, time_of_day="morning"), practitioner) == set()


def test_browse_filters_groups_open_to_my_profession_and_stage(db):
    nurse = UserFactory(profession="nurse", career_stage="early")
    PeerGroupFactory(title="Everyone")
    for_nurses = PeerGroupFactory(title="Nurses")
    Eligibility.objects.create(group=for_nurses, kind="profession", value="nurse")
    for_doctors = PeerGroupFactory(title="Doctors")
    Eligibility.objects.create(group=for_doctors, kind="profession", value="doctor")
    for_seniors = PeerGroupFactory(title="Senior nurses")
    Eligibility.objects.create(group=for_seniors, kind="profession", value="nurse")
    Eligibility.objects.create(group=for_seniors, kind="career_stage", value="senior")

    assert titles(BrowseFilters(for_me=True), nurse) == {"Everyone", "Nurses"}
    assert titles(BrowseFilters(), nurse) == {"Everyone", "Nurses", "Doctors", "Senior nurses"}


def test_browse_filters_groups_with_places(practitioner):
    full = PeerGroupFactory(title="Full", capacity=1)
    book(session(full, TUESDAY_MORNING))
    session(PeerGroupFactory(title="Space"), TUESDAY_MORNING)
    session(PeerGroupFactory(title="Closed intake", membership="closed", intake_open=False), TUESDAY_MORNING)
    PeerGroupFactory(title="Nothing planned")

    assert titles(BrowseFilters(places=True), practitioner) == {"Space"}


def test_browse_lists_soonest_first_and_unplanned_last(practitioner):
    session(PeerGroupFactory(title="Later"), THURSDAY_EVENING)
    PeerGroupFactory(title="A group with nothing planned")
    session(PeerGroupFactory(title="Sooner"), TUESDAY_MORNING)

    found = [g.title for g in browse_groups(user=practitioner, filters=BrowseFilters(), now=NOW)]

    assert found == ["Sooner", "Later", "A group with nothing planned"]


def test_groups_i_run_are_only_mine_in_every_status(facilitator, other_facilitator):
    PeerGroupFactory(title="Mine", facilitators=[facilitator], status="draft")
    PeerGroupFactory(title="Mine too", facilitators=[facilitator, other_facilitator], status="archived")
    PeerGroupFactory(title="Theirs", facilitators=[other_facilitator])

    assert {g.title for g in groups_run_by(user=facilitator)} == {"Mine", "Mine too"}


def test_the_programme_sees_every_group_and_filters_by_status(facilitator, other_facilitator):
    PeerGroupFactory(title="Draft", status="draft", facilitators=[facilitator, other_facilitator])
    PeerGroupFactory(title="Live")

    everything = {g.title: g.facilitator_count for g in programme_groups()}

    assert everything == {"Draft": 2, "Live": 0}
    assert [g.title for g in programme_groups(status="draft")] == ["Draft"]


@pytest.mark.django_db
def test_fellow_members_are_accepted_members_by_display_name():
    group = PeerGroupFactory(membership="closed")
    for name, status in [("Asha", "accepted"), ("Ben", "applied"), ("Cat", "accepted"), ("Dee", "left")]:
        Membership.objects.create(group=group, user=UserFactory(display_name=name), status=status)

    # Each name carries its tag (accounts.selectors.public_name).
    assert sorted(name.split(" (")[0] for name in fellow_member_names(group=group)) == ["Asha", "Cat"]


def test_the_roster_lists_display_names_in_queue_order(db):
    s = session(PeerGroupFactory(), TUESDAY_MORNING)
    book(s, user=UserFactory(display_name="Asha", email="asha@nhs.net"))
    waiting = book(s, "waitlisted", user=UserFactory(display_name="Ben"))
    waiting.queued_at = NOW
    waiting.save()
    book(s, "cancelled", user=UserFactory(display_name="Cat"))

    names = roster(session=s)
    plain = {k: [n.split(" (")[0] for n in v] for k, v in names.items()}
    assert plain == {"confirmed": ["Asha"], "waitlisted": ["Ben"]}


def test_browse_with_the_eligible_programmes_read_already_finds_the_same_groups(practitioner):
    session(PeerGroupFactory(title="Ours"), TUESDAY_MORNING)
    session(PeerGroupFactory(title="Another trust's", programme=ProgrammeFactory()), TUESDAY_MORNING)
    eligible = [p.pk for p in programmes_to_browse(practitioner)[0]]

    found = {g.title for g in browse_groups(user=practitioner, filters=BrowseFilters(), now=NOW, eligible=eligible)}

    assert found == titles(BrowseFilters(), practitioner) == {"Ours"}
