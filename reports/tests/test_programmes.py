"""Each programme's report counts its own groups' sessions and places only,
the new session figures and the sessions trend included."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from groups.models import GroupSession
from programmes.models import Programme, default_programme_pk
from programmes.tests.factories import ProgrammeFactory
from reports import selectors
from reports.periods import LONDON, Period, PeriodKind
from reports.report import build_report
from reports.tests.factories import BookingFactory, GroupSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

MAY = Period(PeriodKind.MONTH, 2025, 5)


def _sessions(programme, n: int, *, cancelled: int = 0) -> None:
    for i in range(n):
        start = datetime(2025, 5, 3 + i, 12, tzinfo=LONDON)
        session = GroupSessionFactory(group__programme=programme, starts_at=start, ends_at=start + timedelta(hours=1))
        for _ in range(9):
            BookingFactory(session=session, user=ParticipantFactory(), attendance="attended")
        if i < cancelled:
            GroupSession.objects.filter(pk=session.pk).update(status=GroupSession.Status.CANCELLED)


def _summary(report) -> dict[str, object]:
    return {cell.measure.slug: cell.value for _label, cell in report.summary}


def test_a_programmes_report_counts_only_its_own_groups():
    national, trust = Programme.objects.get(pk=default_programme_pk()), ProgrammeFactory()
    _sessions(national, 4, cancelled=1)
    _sessions(trust, 2)
    now = timezone.now()
    mine = _summary(build_report(period=MAY, now=now, programmes=[trust.pk]))
    theirs = _summary(build_report(period=MAY, now=now, programmes=[national.pk]))
    everything = _summary(build_report(period=MAY, now=now))
    assert (mine["sessions_scheduled"], mine["sessions_held"], mine["places_booked"]) == (2, 2, 20)
    assert (theirs["sessions_scheduled"], theirs["sessions_held"], theirs["sessions_cancelled"]) == (4, 3, 1)
    assert everything["sessions_scheduled"] == 6


def test_the_sessions_trend_is_per_programme():
    national, trust = Programme.objects.get(pk=default_programme_pk()), ProgrammeFactory()
    _sessions(national, 3)
    _sessions(trust, 1)
    counts = selectors.sessions_held_by_month(start=MAY.start, end=MAY.end, now=timezone.now(),
                                              programmes=[trust.pk])
    assert list(counts.values()) == [(1, 0)]
