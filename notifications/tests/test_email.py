"""What the emails say: no topic in subjects, absolute links, .ics, both parts,
the help footer."""

import email
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from groups.formats import Format
from groups.models import PeerGroup
from notifications import delivery
from notifications.models import Kind, Notification
from notifications.tests.factories import (
    TOPIC_TITLE,
    BookingFactory,
    GroupSessionFactory,
    MembershipFactory,
    NotificationFactory,
)
from signups.models import Booking, Membership

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BOOKING_KINDS = [Kind.BOOKING_CONFIRMED, Kind.REMINDER_24H, Kind.REMINDER_1H, Kind.WAITLIST_PROMOTED,
                 Kind.SESSION_MOVED, Kind.SESSION_CANCELLED, Kind.FEEDBACK_INVITATION]


def sent_for(notification: Notification, mailoutbox, now=None):
    delivery.notifications_send_due(now=now)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT, notification.last_error
    return mailoutbox[-1]


def notification_of(kind: str, **booking) -> Notification:
    now = timezone.now()
    if kind == Kind.FEEDBACK_INVITATION:
        booking.setdefault("session", GroupSessionFactory(starts_at=now - timedelta(hours=2)))
        booking.setdefault("attendance", Booking.Attendance.ATTENDED)
    if kind == Kind.SESSION_CANCELLED:
        booking.setdefault("session", GroupSessionFactory(status="cancelled", cancelled_reason="Facilitator unwell"))
    return NotificationFactory(kind=kind, booking=BookingFactory(**booking), due_at=now)


@pytest.mark.parametrize("kind", BOOKING_KINDS)
def test_no_subject_names_the_group_title_topic_or_format(kind, mailoutbox):
    message = sent_for(notification_of(kind), mailoutbox)
    subject = message.subject.lower()
    assert "group" not in subject
    assert "junior doctors" not in subject
    assert "grief" not in subject
    for label in Format.labels:
        assert label.lower() not in subject
    assert TOPIC_TITLE in message.body  # the body, opened on purpose, may say which group


@pytest.mark.parametrize("status", [Membership.Status.ACCEPTED, Membership.Status.DECLINED])
def test_application_subjects_do_not_name_the_group_either(status, mailoutbox):
    membership = MembershipFactory(status=status)
    kind = Kind.APPLICATION_ACCEPTED if status == Membership.Status.ACCEPTED else Kind.APPLICATION_DECLINED
    notification = Notification.objects.create(user=membership.user, membership=membership, kind=kind,
                                               due_at=timezone.now())
    message = sent_for(notification, mailoutbox)
    assert membership.group.title not in message.subject
    assert "Balint" not in message.subject
    assert membership.group.title in message.body


def test_the_reminder_subject_reads_like_a_reminder(mailoutbox):
    starts = datetime(2030, 3, 5, 12, 45, tzinfo=LONDON)
    notification = NotificationFactory(kind=Kind.REMINDER_24H, booking__session__starts_at=starts,
                                       due_at=starts - timedelta(days=1))
    message = sent_for(notification, mailoutbox, now=starts - timedelta(days=1))
    assert message.subject == "Reminder: your session tomorrow at 12:45pm"


def test_a_reminder_has_text_and_html_an_ics_absolute_links_and_the_help_footer(mailoutbox):
    notification = NotificationFactory(kind=Kind.REMINDER_1H)
    session = notification.booking.session
    message = sent_for(notification, mailoutbox)
    parsed = email.message_from_bytes(message.message().as_bytes())
    types = [part.get_content_type() for part in parsed.walk()]
    assert {"text/plain", "text/html", "text/calendar"} <= set(types)
    html = message.alternatives[0].content
    room = f"{settings.SITE_URL}/rooms/{session.code}/"
    assert room in message.body
    assert f'href="{room}"' in html
    assert 'href="/' not in html  # every link absolute
    for entry in settings.SIGNPOSTING:
        assert entry["name"] in message.body
        assert entry["name"] in html
    assert "Need help now?" in message.body
    assert "Need help now?" in html
    assert "/notifications/reminders/" in message.body


def test_the_ics_is_in_london_time_and_names_no_topic(mailoutbox):
    starts = datetime(2030, 7, 1, 12, 45, tzinfo=LONDON)
    notification = NotificationFactory(kind=Kind.BOOKING_CONFIRMED, stamp="x",
                                       booking__session__starts_at=starts, due_at=timezone.now())
    message = sent_for(notification, mailoutbox)
    (part,) = message.attachments
    assert (part.get_filename(), part.get_content_type()) == ("session.ics", "text/calendar")
    text = part.get_content()
    assert "DTSTART;TZID=Europe/London:20300701T124500" in text
    assert "BEGIN:VTIMEZONE" in text
    summary = next(line for line in text.splitlines() if line.startswith("SUMMARY"))
    assert "Balint" not in summary
    assert "grief" not in summary


def test_a_cancelled_sessions_ics_cancels_the_calendar_entry(mailoutbox):
    message = sent_for(notification_of(Kind.SESSION_CANCELLED), mailoutbox)
    text = message.attachments[0].get_content()
    assert "METHOD:CANCEL" in text
    assert "STATUS:CANCELLED" in text
    assert "Facilitator unwell" in message.body


def test_waiting_list_members_told_of_a_move_get_no_calendar_entry(mailoutbox):
    notification = NotificationFactory(kind=Kind.SESSION_MOVED, stamp="m",
                                       booking__status=Booking.Status.WAITLISTED)
    message = sent_for(notification, mailoutbox)
    assert message.attachments == []
    assert "still on the waiting list" in message.body


def test_groups_met_elsewhere_link_to_the_session_page_and_say_where(mailoutbox):
    group = GroupSessionFactory(group__delivery=PeerGroup.Delivery.IN_PERSON, group__venue="Library, Level 2")
    notification = NotificationFactory(kind=Kind.REMINDER_1H, booking__session=group)
    message = sent_for(notification, mailoutbox)
    assert "Library, Level 2" in message.body
    assert f"{settings.SITE_URL}/sessions/{group.code}/" in message.body


def test_the_feedback_invitation_links_to_the_feedback_form(mailoutbox):
    notification = notification_of(Kind.FEEDBACK_INVITATION)
    message = sent_for(notification, mailoutbox)
    assert f"{settings.SITE_URL}/sessions/{notification.booking.session.code}/feedback/" in message.body


def test_every_attempt_carries_the_same_message_id(mailoutbox):
    notification = NotificationFactory()
    message = sent_for(notification, mailoutbox)
    assert message.extra_headers["Message-ID"] == f"<notification-{notification.code}@127.0.0.1>"


def test_html_escapes_what_people_typed(mailoutbox):
    notification = notification_of(Kind.SESSION_CANCELLED)
    session = notification.booking.session
    session.cancelled_reason = "<script>alert(1)</script>"
    session.save()
    message = sent_for(notification, mailoutbox)
    assert "<script>" not in message.alternatives[0].content
    assert "<script>alert(1)</script>" in message.body  # plain text is not HTML
