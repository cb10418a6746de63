"""`manage.py seed_demo` gives the reports six months of history with real
shapes, quickly and idempotently, at wall-clock times across clock changes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from groups.models import GroupSession, PeerGroup
from reports import demo
from reports.periods import LONDON, Period, PeriodKind
from reports.report import build_report
from signups.models import Booking, Feedback, SessionRegister

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (GroupSession, Booking, Feedback, SessionRegister))


def _full_months(now) -> list[Period]:
    """The complete months inside the history (the one it starts in is partial)."""
    local = now.astimezone(LONDON)
    months = []
    for back in range(1, 6):
        index = local.year * 12 + local.month - 1 - back
        months.append(Period(PeriodKind.MONTH, index // 12, index % 12 + 1))
    return months


def test_every_recent_month_has_sessions_people_and_feedback_to_report(seeded):
    now = timezone.now()
    for period in _full_months(now):
        total = build_report(period=period, now=now).total
        assert total["sessions_held"].value >= 15, period
        for figure in ("attended", "participants", "responses"):
            assert total[figure].text not in ("0", "*"), (period, figure)


def test_the_history_has_shapes_not_flat_lines(seeded):
    past = GroupSession.objects.filter(ends_at__lte=timezone.now())
    assert past.filter(status=GroupSession.Status.CANCELLED).exists()
    assert Booking.objects.filter(status=Booking.Status.CANCELLED, confirmed_at__isnull=True).exists()  # waited
    assert Booking.objects.filter(attendance=Booking.Attendance.NO_SHOW).exists()
    places = dict(past.filter(bookings__status=Booking.Status.CONFIRMED).values_list("group__title")
                  .annotate(n=Count("bookings")))
    assert places[demo.COMMON_ROOM] > 3 * places["Tuesday evening Balint group"]  # some groups are busier
    by_month = {}
    for start in Booking.objects.filter(attendance=Booking.Attendance.ATTENDED).values_list(
            "session__starts_at", flat=True):
        by_month.setdefault(start.astimezone(LONDON).strftime("%Y-%m"), []).append(start)
    complete = sorted(by_month)[1:-1]  # the first and the current month are partial
    sizes = [len(by_month[month]) for month in complete]
    assert max(sizes) > 1.25 * min(sizes)  # a season, not a flat line


def test_past_sessions_keep_their_wall_clock_time_across_clock_changes(seeded):
    for group in PeerGroup.objects.filter(title__in=[shape.title for shape in demo.SHAPES]):
        starts = group.sessions.filter(ends_at__lte=timezone.now(), occurrence__isnull=False).values_list(
            "starts_at", flat=True)
        offsets = {start.astimezone(LONDON).utcoffset() for start in starts}
        times = {start.astimezone(LONDON).time() for start in starts}
        assert times == {group.schedule.start_time}, group.title
        assert len(offsets) == 2, group.title  # six months always cross a clock change


def test_loading_again_changes_nothing(seeded):
    before = _counts()
    call_command("seed_demo")
    assert _counts() == before


def test_sessions_that_end_after_the_first_load_are_filled_in_later(seeded, monkeypatch):
    now = timezone.now()
    later = now + timedelta(days=8)
    ended = list(GroupSession.objects.filter(ends_at__gt=now, ends_at__lte=later, group__title=demo.COMMON_ROOM,
                                             status=GroupSession.Status.SCHEDULED))
    assert ended
    sessions = GroupSession.objects.count()
    monkeypatch.setattr(demo.timezone, "now", lambda: later)
    demo.seed({})
    assert GroupSession.objects.count() == sessions  # no more history sessions are made
    for session in ended:
        assert session.bookings.filter(status=Booking.Status.CONFIRMED).exists()
