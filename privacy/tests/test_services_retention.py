from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from audit.models import AuditEvent
from audit.tests.factories import AuditEventFactory
from privacy.models import SessionAttendanceSummary
from privacy.services import retention_purge
from rooms.models import Presence, Room
from signups.models import Booking, Feedback
from signups.tests.factories import BookingFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

# 00:30 on 1 April 2026 in London (BST) is still 31 March in UTC.
NOW = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


def _session(starts_at: datetime):
    return GroupSessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=75))


def test_attendance_goes_after_the_period_counted_in_london_months(settings):
    settings.RETENTION_ATTENDANCE_MONTHS = 1
    # A London month before 00:30 BST on 1 April is 00:30 GMT on 1 March (00:30 UTC);
    # a UTC month would be 23:30 on 28 February.
    old = _session(datetime(2026, 3, 1, 0, 29, tzinfo=UTC))
    boundary = _session(datetime(2026, 3, 1, 0, 30, tzinfo=UTC))
    BookingFactory(session=old)
    kept = BookingFactory(session=boundary)
    result = retention_purge(now=NOW)
    assert not Booking.objects.filter(session=old).exists()
    assert list(Booking.objects.all()) == [kept]
    assert result.sessions_summarised == 1
    assert result.bookings_deleted == 1


def test_the_default_attendance_period_is_24_months():
    now = datetime(2026, 6, 15, 11, 0, tzinfo=UTC)  # midday BST
    old = _session(datetime(2024, 6, 15, 10, 59, tzinfo=UTC))
    kept = _session(datetime(2024, 6, 15, 11, 0, tzinfo=UTC))
    BookingFactory(session=old)
    BookingFactory(session=kept)
    retention_purge(now=now)
    assert not Booking.objects.filter(session=old).exists()
    assert Booking.objects.filter(session=kept).exists()


def test_bookings_are_folded_into_an_anonymous_summary_first(practitioner):
    session = _session(datetime(2023, 5, 2, 11, 45, tzinfo=UTC))
    for attendance in ("attended", "attended", "no_show", "unknown"):
        BookingFactory(session=session, attendance=attendance)
    BookingFactory(session=session, status="cancelled", late_cancellation=True)
    BookingFactory(session=session, status="cancelled", confirmed_at=None, queued_at=session.starts_at)
    BookingFactory(session=session, status="waitlisted", confirmed_at=None, queued_at=session.starts_at)
    retention_purge(now=NOW)
    summary = SessionAttendanceSummary.objects.get(session=session)
    assert (summary.confirmed, summary.attended, summary.no_show, summary.not_recorded) == (4, 2, 1, 1)
    assert (summary.cancelled, summary.late_cancelled, summary.waitlisted_never_placed) == (1, 1, 2)
    assert User.objects.filter(pk=practitioner.pk).exists()  # people stay; only the detail goes


def test_purging_twice_changes_nothing_more():
    session = _session(datetime(2023, 5, 2, 11, 45, tzinfo=UTC))
    BookingFactory(session=session, attendance="attended")
    Feedback.objects.create(session=session, helpfulness=4, comment="It helped.", given_on=date(2023, 5, 2))
    AuditEventFactory(at=datetime(2023, 5, 2, tzinfo=UTC))
    first = retention_purge(now=NOW)
    second = retention_purge(now=NOW)
    assert first.bookings_deleted == 1
    assert first.comments_blanked == 1
    assert first.audit_events_deleted == 1
    assert all(value == 0 for value in second.as_dict().values())
    assert SessionAttendanceSummary.objects.get(session=session).attended == 1


def test_room_visits_of_old_sessions_go():
    old, recent = _session(datetime(2023, 5, 2, 11, 45, tzinfo=UTC)), _session(datetime(2026, 3, 2, 11, 45, tzinfo=UTC))
    booking = BookingFactory(session=old)
    for session in (old, recent):
        Presence.objects.create(room=Room.objects.create(session=session, lobby_enabled=False), user=booking.user)
    result = retention_purge(now=NOW)
    assert list(Presence.objects.values_list("room__session", flat=True)) == [recent.pk]
    assert result.room_visits_deleted == 1


def test_feedback_comments_are_blanked_by_london_date_and_scores_kept():
    session = _session(datetime(2025, 3, 20, 12, 0, tzinfo=UTC))
    # London date of NOW is 1 April 2026, so comments from before 1 April 2025 go.
    old = Feedback.objects.create(session=session, helpfulness=2, comment="Too short.", given_on=date(2025, 3, 31))
    kept = Feedback.objects.create(session=session, helpfulness=5, comment="Good.", given_on=date(2025, 4, 1))
    retention_purge(now=NOW)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert (old.comment, old.helpfulness) == ("", 2)
    assert kept.comment == "Good."


def test_the_feedback_comment_period_is_a_setting(settings):
    settings.RETENTION_FEEDBACK_COMMENT_MONTHS = 3
    session = _session(datetime(2025, 12, 1, 12, 0, tzinfo=UTC))
    feedback = Feedback.objects.create(session=session, helpfulness=3, comment="Fine.", given_on=date(2025, 12, 31))
    retention_purge(now=NOW)
    feedback.refresh_from_db()
    assert feedback.comment == ""


def test_audit_events_and_the_admin_log_go_after_their_period(settings, programme_admin):
    settings.RETENTION_AUDIT_MONTHS = 6
    old = AuditEventFactory(at=datetime(2025, 9, 30, 23, 29, tzinfo=UTC))  # 00:29 BST on 1 October
    kept = AuditEventFactory(at=datetime(2025, 9, 30, 23, 30, tzinfo=UTC))
    entry = LogEntry.objects.create(
        user=programme_admin, content_type=ContentType.objects.get_for_model(User), object_id="1",
        object_repr="x", action_flag=CHANGE, action_time=datetime(2025, 9, 1, tzinfo=UTC),
    )
    retention_purge(now=NOW)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not LogEntry.objects.filter(pk=entry.pk).exists()
