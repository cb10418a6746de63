from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.formats import Frequency
from groups.models import GroupSession, Schedule
from groups.recurrence import HORIZON, ScheduleSpec, nth_weekday, occurrences, schedule_errors
from groups.services import schedule_plan, schedule_save, session_cancel, session_move, sessions_materialise
from groups.signals import session_changed, sessions_materialised
from groups.tests.factories import PeerGroupFactory
from notifications.delivery import notifications_send_due
from signups.models import Booking

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def local(session) -> datetime:
    return session.starts_at.astimezone(LONDON)


def test_a_weekly_series_keeps_its_local_time_across_the_march_clock_change(db):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=ScheduleSpec(
        Frequency.WEEKLY, date(2027, 3, 4), time(12, 45), count=6))

    sessions = list(group.sessions.order_by("starts_at"))

    assert [local(s).date() for s in sessions] == [date(2027, 3, d) for d in (4, 11, 18, 25)] + [
        date(2027, 4, 1), date(2027, 4, 8)]
    assert {local(s).time() for s in sessions} == {time(12, 45)}
    # 12:45 GMT before the change is 12:45 UTC; 12:45 BST after it is 11:45 UTC.
    assert sessions[3].starts_at.astimezone(UTC).hour == 12
    assert sessions[4].starts_at.astimezone(UTC).hour == 11


def test_a_weekly_series_keeps_its_local_time_across_the_october_clock_change(db):
    group = PeerGroupFactory()
    now = datetime(2027, 10, 1, 9, 0, tzinfo=UTC)
    schedule_save(group=group, now=now, spec=ScheduleSpec(
        Frequency.WEEKLY, date(2027, 10, 21), time(12, 45), count=3))

    sessions = list(group.sessions.order_by("starts_at"))

    assert [local(s).strftime("%Y-%m-%d %H:%M") for s in sessions] == [
        "2027-10-21 12:45", "2027-10-28 12:45", "2027-11-04 12:45"]
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == [11, 11, 12]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=75) for s in sessions)


def test_a_fortnightly_balint_programme_of_ten_materialises_exactly_ten(db):
    group = PeerGroupFactory(format="balint", membership="closed", capacity=10)
    schedule_save(group=group, now=NOW, spec=ScheduleSpec(
        Frequency.FORTNIGHTLY, date(2027, 2, 9), time(18, 30), count=10))
    first_run = group.sessions.count()

    # The sweep (daily in production; weekly is enough here) over the programme and beyond.
    for week in range(30):
        sessions_materialise(group=group, now=NOW + timedelta(weeks=week))

    starts = [local(s) for s in group.sessions.order_by("starts_at")]
    assert first_run == 7  # 12 weeks from the first session hold seven fortnights, both ends included
    assert len(starts) == 10
    assert all(b - a == timedelta(weeks=2) for a, b in zip(starts, starts[1:], strict=False))
    assert sessions_materialise(group=group, now=NOW + timedelta(days=7 * 31)) == []


def test_materialising_twice_creates_nothing_more(db):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=ScheduleSpec(Frequency.WEEKLY, date(2027, 2, 4), time(9, 0)))
    count = group.sessions.count()

    assert sessions_materialise(group=group, now=NOW) == []
    assert group.sessions.count() == count == 13  # 4 February and the 12 weeks after it


def test_monthly_on_the_second_tuesday(db):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=ScheduleSpec(
        Frequency.MONTHLY, date(2027, 2, 9), time(13, 0), until=date(2027, 12, 31)))
    for month in range(11):
        sessions_materialise(group=group, now=NOW + timedelta(days=30 * month))

    days = [local(s).date() for s in group.sessions.order_by("starts_at")]

    assert days[:4] == [date(2027, 2, 9), date(2027, 3, 9), date(2027, 4, 13), date(2027, 5, 11)]
    assert all(d.weekday() == 1 and nth_weekday(d) == 2 for d in days)
    assert len(days) == 11  # February to December


def test_a_fifth_weekday_means_the_last_one_of_each_month():
    spec = ScheduleSpec(Frequency.MONTHLY, date(2027, 3, 31), time(12, 0))  # 5th Wednesday

    starts = occurrences(spec, after=NOW, until=NOW + timedelta(days=120))

    assert [s.astimezone(LONDON).date() for s in starts] == [
        date(2027, 3, 31), date(2027, 4, 28), date(2027, 5, 26)]


def test_every_weekday_skips_weekends_and_stops_at_the_horizon(db):
    group = PeerGroupFactory(format="common_room", capacity=10, duration_minutes=60)
    schedule_save(group=group, now=NOW, spec=ScheduleSpec(Frequency.WEEKDAYS, date(2027, 2, 6), time(8, 0)))

    sessions = list(group.sessions.all())

    assert {local(s).weekday() for s in sessions} == {0, 1, 2, 3, 4}
    assert max(s.starts_at for s in sessions) <= datetime(2027, 2, 6, 8, 0, tzinfo=UTC) + HORIZON
    assert len(sessions) == 60  # 12 weeks of weekdays, Monday 8 February to Friday 30 April


def test_a_one_off_session_is_just_one(db):
    group = PeerGroupFactory(format="webinar", capacity=200, duration_minutes=60)
    schedule = schedule_save(group=group, now=NOW, spec=ScheduleSpec(Frequency.ONCE, date(2027, 2, 10), time(19, 0)))

    assert group.sessions.count() == 1
    assert schedule.count == 1


def _weekly(group, **changes):
    spec = dict(frequency=Frequency.WEEKLY, first_date=date(2027, 2, 4), start_time=time(12, 45), count=8)
    spec.update(changes)
    return schedule_save(group=group, now=NOW, spec=ScheduleSpec(**spec))


def test_a_moved_and_a_cancelled_session_survive_rematerialising_and_a_schedule_edit(db):
    group = PeerGroupFactory()
    _weekly(group)
    second, third = list(group.sessions.order_by("starts_at"))[1:3]
    moved_to = second.starts_at + timedelta(days=1, hours=2)
    session_move(session=second, starts_at=moved_to, ends_at=moved_to + timedelta(hours=1), now=NOW)
    session_cancel(session=third, reason="Facilitator away")

    sessions_materialise(group=group, now=NOW + timedelta(days=1))
    _weekly(group, count=10)

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.starts_at == moved_to
    assert second.is_exception
    assert third.is_cancelled
    assert third.is_exception
    assert group.sessions.count() == 10
    assert group.sessions.filter(occurrence=second.occurrence).count() == 1


def test_a_schedule_edit_keeps_a_cancelled_exception_and_makes_no_second_session_for_its_week(db):
    group = PeerGroupFactory()
    _weekly(group)
    first = group.sessions.order_by("starts_at").first()
    session_cancel(session=first)

    _weekly(group, first_date=date(2027, 2, 5), start_time=time(13, 0))

    first.refresh_from_db()
    assert first.is_cancelled
    assert local(first).strftime("%a %H:%M") == "Thu 12:45"
    rest = group.sessions.exclude(pk=first.pk)
    assert rest.count() == 7  # the cancelled Thursday stands for its week's Friday
    assert {local(s).strftime("%a %H:%M") for s in rest} == {"Fri 13:00"}
    assert not rest.filter(starts_at__date=date(2027, 2, 5)).exists()


def test_a_schedule_edit_moves_booked_and_waiting_sessions_to_the_new_day(db, practitioner):
    group = PeerGroupFactory()
    _weekly(group)
    booked, waited = list(group.sessions.order_by("starts_at"))[:2]
    Booking.objects.create(session=booked, user=practitioner, status=Booking.Status.CONFIRMED)
    Booking.objects.create(session=waited, user=practitioner, status=Booking.Status.WAITLISTED)

    _weekly(group, first_date=date(2027, 2, 5))  # Fridays instead of Thursdays

    booked.refresh_from_db()
    waited.refresh_from_db()
    assert not booked.is_cancelled
    assert local(booked) == datetime(2027, 2, 5, 12, 45, tzinfo=LONDON)
    assert local(waited) == datetime(2027, 2, 12, 12, 45, tzinfo=LONDON)
    assert booked.bookings.get().status == Booking.Status.CONFIRMED
    fridays = group.sessions.filter(status=GroupSession.Status.SCHEDULED)
    assert fridays.count() == 8
    assert {local(s).weekday() for s in fridays} == {4}


def test_a_longer_session_length_moves_the_end_of_future_sessions(db):
    group = PeerGroupFactory(duration_minutes=60)
    _weekly(group)
    group.duration_minutes = 90
    group.save()

    _weekly(group)

    assert {s.ends_at - s.starts_at for s in group.sessions.all()} == {timedelta(minutes=90)}


def test_new_sessions_are_announced_after_commit(db, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, group, sessions, **kwargs):
        heard.append((group, len(sessions)))

    sessions_materialised.connect(receiver)
    try:
        group = PeerGroupFactory()
        with django_capture_on_commit_callbacks(execute=True):
            _weekly(group, count=3)
        with django_capture_on_commit_callbacks(execute=True):
            sessions_materialise(group=group, now=NOW)
    finally:
        sessions_materialised.disconnect(receiver)

    assert heard == [(group, 3)]


def test_moving_and_cancelling_are_announced(db, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, session, change, previous_starts_at, **kwargs):
        heard.append((change, previous_starts_at))

    session_changed.connect(receiver)
    try:
        group = PeerGroupFactory()
        _weekly(group, count=2)
        first, second = group.sessions.order_by("starts_at")
        original = first.starts_at
        with django_capture_on_commit_callbacks(execute=True):
            session_move(session=first, starts_at=original + timedelta(hours=1),
                         ends_at=original + timedelta(hours=2), now=NOW)
            session_cancel(session=second)
    finally:
        session_changed.disconnect(receiver)

    assert heard == [("moved", original), ("cancelled", second.starts_at)]


def test_a_session_cannot_be_moved_into_the_past_or_to_end_before_it_starts(db):
    group = PeerGroupFactory()
    _weekly(group, count=1)
    session = group.sessions.get()

    with pytest.raises(ValidationError) as past:
        session_move(session=session, starts_at=NOW - timedelta(hours=1), ends_at=NOW, now=NOW)
    with pytest.raises(ValidationError) as backwards:
        session_move(session=session, starts_at=session.starts_at, ends_at=session.starts_at, now=NOW)

    assert "start_time" in past.value.error_dict
    assert "end_time" in backwards.value.error_dict


@pytest.mark.parametrize(("changes", "field"), [
    ({"first_date": date(2027, 1, 31)}, "first_date"),
    ({"first_date": date(2027, 2, 1), "start_time": time(8, 0)}, "first_date"),  # earlier today
    ({"count": 105}, "count"),
    ({"count": 0}, "count"),
    ({"count": None, "until": date(2027, 2, 3)}, "until"),
    ({"count": None, "until": date(2029, 3, 1)}, "until"),
])
def test_absurd_schedules_are_refused(changes, field):
    spec = dict(frequency=Frequency.WEEKLY, first_date=date(2027, 2, 4), start_time=time(12, 45), count=8)
    spec.update(changes)

    assert field in schedule_errors(ScheduleSpec(**spec), now=NOW)


def test_every_weekday_ongoing_is_fine():
    spec = ScheduleSpec(Frequency.WEEKDAYS, date(2027, 2, 4), time(12, 45))

    assert schedule_errors(spec, now=NOW) == {}


def test_an_unchanged_start_in_the_past_is_allowed_when_editing():
    before = ScheduleSpec(Frequency.WEEKLY, date(2027, 1, 7), time(12, 45), count=8)
    extended = ScheduleSpec(Frequency.WEEKLY, date(2027, 1, 7), time(12, 45), count=12)

    assert schedule_errors(extended, now=NOW, previous=before) == {}
    assert "first_date" in schedule_errors(extended, now=NOW)


# Editing a published group's schedule (issue 15, item 3)

def _tuesdays(group, start_time=time(18, 30), **changes):
    spec = dict(frequency=Frequency.WEEKLY, first_date=date(2027, 2, 2), start_time=start_time)
    spec.update(changes)
    return ScheduleSpec(**spec)


def test_a_later_start_time_moves_booked_sessions_with_their_places_and_makes_none_new(db, practitioner):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=_tuesdays(group))
    before = group.sessions.count()
    first = group.sessions.order_by("starts_at").first()
    booking = Booking.objects.create(session=first, user=practitioner, status=Booking.Status.CONFIRMED)

    schedule_save(group=group, now=NOW, spec=_tuesdays(group, time(19, 0)))

    first.refresh_from_db()
    booking.refresh_from_db()
    assert not first.is_cancelled
    assert local(first) == datetime(2027, 2, 2, 19, 0, tzinfo=LONDON)
    assert first.ends_at - first.starts_at == timedelta(minutes=group.duration_minutes)
    assert booking.status == Booking.Status.CONFIRMED
    assert group.sessions.count() == before
    assert {local(s).strftime("%a %H:%M") for s in group.sessions.all()} == {"Tue 19:00"}


def test_a_schedule_move_is_announced_like_a_single_move_with_the_old_time(
        db, practitioner, django_capture_on_commit_callbacks, mailoutbox):
    group = PeerGroupFactory(title="Evening reflective practice")
    schedule_save(group=group, now=NOW, spec=_tuesdays(group))
    first = group.sessions.order_by("starts_at").first()
    Booking.objects.create(session=first, user=practitioner, status=Booking.Status.CONFIRMED)
    heard = []

    def receiver(sender, session, change, previous_starts_at, **kwargs):
        heard.append((session.pk, change, previous_starts_at))

    session_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            schedule_save(group=group, now=NOW, spec=_tuesdays(group, time(19, 0)))
    finally:
        session_changed.disconnect(receiver)

    old = datetime(2027, 2, 2, 18, 30, tzinfo=LONDON)
    assert (first.pk, "moved", old) in heard
    assert len(heard) == group.sessions.count()  # every session moved; no cancellations
    notifications_send_due()
    [message] = mailoutbox
    assert message.to == [practitioner.email]
    assert "has moved from Tuesday 2 February 2027, 6:30pm to Tuesday 2 February 2027, 7pm" in message.body


def test_a_time_change_keeps_moved_and_cancelled_sessions_as_they_are_and_never_duplicates_a_week(db):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=_tuesdays(group))
    first, second, third = group.sessions.order_by("starts_at")[:3]
    moved_to = datetime(2027, 2, 10, 17, 0, tzinfo=LONDON)  # the Wednesday of its week
    session_move(session=second, starts_at=moved_to, ends_at=moved_to + timedelta(hours=1), now=NOW)
    session_cancel(session=third, reason="Facilitator away")

    schedule_save(group=group, now=NOW, spec=_tuesdays(group, time(19, 0)))
    sessions_materialise(group=group, now=NOW + timedelta(days=1))

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.starts_at == moved_to
    assert not second.is_cancelled
    assert third.is_cancelled
    assert local(third) == datetime(2027, 2, 16, 18, 30, tzinfo=LONDON)
    weeks = [local(s).isocalendar()[:2] for s in group.sessions.all()]
    assert len(weeks) == len(set(weeks))  # one session per week, moved, cancelled or not
    assert group.sessions.filter(status=GroupSession.Status.SCHEDULED, starts_at__lt=datetime(
        2027, 2, 22, tzinfo=LONDON)).count() == 2  # 2 February at 19:00 and the moved Wednesday


def test_weekly_to_fortnightly_cancels_the_dropped_weeks_with_notice_and_deletes_empty_ones(
        db, practitioner, django_capture_on_commit_callbacks):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=_tuesdays(group))
    first, second, third, fourth = group.sessions.order_by("starts_at")[:4]
    Booking.objects.create(session=second, user=practitioner, status=Booking.Status.WAITLISTED)
    heard = []

    def receiver(sender, session, change, **kwargs):
        heard.append((session.pk, change))

    session_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            schedule_save(group=group, now=NOW, spec=_tuesdays(group, frequency=Frequency.FORTNIGHTLY))
    finally:
        session_changed.disconnect(receiver)

    second.refresh_from_db()
    assert second.is_cancelled
    assert second.cancelled_reason == "The group's schedule changed"
    assert heard == [(second.pk, "cancelled")]
    assert not GroupSession.objects.filter(pk=fourth.pk).exists()
    assert GroupSession.objects.filter(pk__in=[first.pk, third.pk], status="scheduled").count() == 2


def test_the_plan_says_what_an_edit_would_do_and_changes_nothing(db, practitioner, outsider):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=_tuesdays(group))
    first, second, third, fourth = group.sessions.order_by("starts_at")[:4]
    Booking.objects.create(session=first, user=practitioner, status=Booking.Status.CONFIRMED)
    Booking.objects.create(session=first, user=outsider, status=Booking.Status.WAITLISTED)
    session_move(session=second, starts_at=second.starts_at + timedelta(days=1),
                 ends_at=second.ends_at + timedelta(days=1), now=NOW)
    session_cancel(session=third)

    plan = schedule_plan(group=group, spec=_tuesdays(group, time(19, 0)), now=NOW)

    moves = plan.of("move")
    assert len(moves) == group.sessions.count() - 2
    assert sum(c.people for c in moves) == 2
    assert [c.session.pk for c in plan.kept_moved] == [second.pk]
    assert [c.session.pk for c in plan.kept_cancelled] == [third.pk]
    assert plan.needs_confirmation
    fourth.refresh_from_db()
    assert local(fourth).time() == time(18, 30)
    assert plan.fingerprint() == schedule_plan(group=group, spec=_tuesdays(group, time(19, 0)), now=NOW).fingerprint()


def test_saving_refuses_a_confirmation_of_a_plan_that_has_since_changed(db, practitioner):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=_tuesdays(group))
    shown = schedule_plan(group=group, spec=_tuesdays(group, time(19, 0)), now=NOW).fingerprint()
    Booking.objects.create(session=group.sessions.first(), user=practitioner, status=Booking.Status.CONFIRMED)

    with pytest.raises(ValidationError, match="changed while you were checking"):
        schedule_save(group=group, now=NOW, spec=_tuesdays(group, time(19, 0)), expected=shown)

    assert {local(s).time() for s in group.sessions.all()} == {time(18, 30)}


def test_two_sessions_of_one_occurrence_are_refused_by_the_database(db):
    group = PeerGroupFactory()
    schedule_save(group=group, now=NOW, spec=_tuesdays(group, count=1))
    session = group.sessions.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        GroupSession.objects.create(group=group, occurrence=session.occurrence, starts_at=session.starts_at,
                                    ends_at=session.ends_at)


# A group that starts far ahead (issue 15, item 4)

def test_a_group_starting_in_five_months_has_its_first_sessions_as_soon_as_its_schedule_is_saved(db):
    group = PeerGroupFactory(status="draft")
    schedule_save(group=group, now=NOW, spec=_tuesdays(group, first_date=date(2027, 7, 6)))

    starts = [local(s) for s in group.sessions.order_by("starts_at")]

    assert starts[0] == datetime(2027, 7, 6, 18, 30, tzinfo=LONDON)
    assert len(starts) == 13  # the first session and the 12 weeks after it
    assert Schedule.objects.get(group=group).materialised_until == datetime(2027, 7, 6, 17, 30, tzinfo=UTC) + HORIZON
