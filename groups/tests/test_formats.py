import pytest

from groups.formats import (
    DEFAULTS,
    Format,
    Frequency,
    Membership,
    capacity_error,
    defaults_as_json,
    defaults_for,
    format_rows,
    minutes_error,
)


def test_every_format_has_defaults_within_its_own_bounds():
    assert set(DEFAULTS) == set(Format)
    for d in DEFAULTS.values():
        assert d.min_capacity <= d.capacity <= d.max_capacity
        assert d.min_minutes <= d.minutes <= d.max_minutes


def test_defaults_follow_practice():
    balint = defaults_for("balint")
    schwartz = defaults_for(Format.SCHWARTZ)
    common_room = defaults_for(Format.COMMON_ROOM)

    assert (balint.membership, balint.frequency, balint.joining_conversation) == (
        Membership.CLOSED, Frequency.FORTNIGHTLY, True)
    assert 6 <= balint.min_capacity
    assert balint.max_capacity == 12
    assert (schwartz.membership, schwartz.frequency, schwartz.video) == (Membership.OPEN, Frequency.MONTHLY, False)
    assert schwartz.capacity >= 50
    assert (common_room.membership, common_room.max_capacity, common_room.minutes) == (Membership.OPEN, 10, 60)
    assert defaults_for(Format.WEBINAR).frequency == Frequency.ONCE
    for closed in (Format.NARRATIVE, Format.GROUP_ANALYTIC):
        assert defaults_for(closed).membership == Membership.CLOSED
        assert defaults_for(closed).frequency == Frequency.WEEKLY


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="not a valid Format"):
        defaults_for("yoga")


@pytest.mark.parametrize(("capacity", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_capacity_must_be_within_the_formats_bounds(capacity, ok):
    assert (capacity_error("balint", capacity) is None) is ok


@pytest.mark.parametrize(("minutes", "ok"), [(29, False), (30, True), (60, True), (61, False)])
def test_session_length_must_be_within_the_formats_bounds(minutes, ok):
    assert (minutes_error("common_room", minutes) is None) is ok


def test_the_form_gets_defaults_for_every_format():
    assert defaults_as_json()["balint"] == {"membership": "closed", "capacity": 10, "minutes": 75,
                                            "frequency": "fortnightly"}
    assert [row["label"] for row in format_rows()] == [f.label for f in Format]
