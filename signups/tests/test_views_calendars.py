from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupSession, PeerGroup
from groups.services import session_move
from signups.models import Booking, CalendarFeed
from signups.services import calendar_feed_renew
from signups.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def london(day, hour=12, minute=45):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def events(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture
def summer_and_winter(group, practitioner):
    year = timezone.localdate().year + 1
    sessions = []
    for month in (7, 1):  # British Summer Time, then Greenwich Mean Time
        start = london(datetime(year, month, 15).date())
        session = GroupSessionFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=75))
        BookingFactory(session=session, user=practitioner)
        sessions.append(session)
    return sessions


def test_the_feed_shows_12_45_local_either_side_of_a_clock_change(client, summer_and_winter, practitioner):
    feed = calendar_feed_renew(user=practitioner)
    response = client.get(reverse("signups:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    found = {e["UID"]: e for e in cal.walk("VEVENT")}
    assert len(found) == 2
    for event in found.values():
        start = event.decoded("DTSTART")
        assert str(start.tzinfo) == "Europe/London" or event["DTSTART"].params["TZID"] == "Europe/London"
        assert (start.hour, start.minute) == (12, 45)
    offsets = sorted(e.decoded("DTSTART").utcoffset() for e in found.values())
    assert offsets == [timedelta(0), timedelta(hours=1)]


def test_events_never_name_the_format_or_topic(client, practitioner):
    group = PeerGroupFactory(title="Thursday lunchtime", format="balint", description="Grief and loss at work")
    BookingFactory(session=GroupSessionFactory(group=group), user=practitioner)
    feed = calendar_feed_renew(user=practitioner)
    body = client.get(reverse("signups:calendar_feed", args=[feed.token])).content.decode()
    (event,) = events(body.encode())
    assert str(event["SUMMARY"]) == "Peer support session"
    assert "Thursday lunchtime" in str(event["DESCRIPTION"])
    assert "Balint" not in body
    assert "Grief" not in body


def test_cancelled_sessions_and_places_show_as_cancelled(client, group, practitioner):
    called_off = GroupSessionFactory(group=group, status=GroupSession.Status.CANCELLED)
    BookingFactory(session=called_off, user=practitioner)
    given_up = GroupSessionFactory(group=group, starts_at=called_off.starts_at + timedelta(days=1))
    BookingFactory(session=given_up, user=practitioner, status=Booking.Status.CANCELLED)
    kept = GroupSessionFactory(group=group, starts_at=called_off.starts_at + timedelta(days=2))
    BookingFactory(session=kept, user=practitioner)
    feed = calendar_feed_renew(user=practitioner)
    found = {str(e["UID"]): str(e["STATUS"]) for e in events(
        client.get(reverse("signups:calendar_feed", args=[feed.token])).content)}
    assert sorted(found.values()) == ["CANCELLED", "CANCELLED", "CONFIRMED"]
    assert next(v for k, v in found.items() if kept.code in k) == "CONFIRMED"


def test_uids_are_stable_and_sequence_rises_by_one_with_each_change(client, session, practitioner):
    BookingFactory(session=session, user=practitioner)
    feed = calendar_feed_renew(user=practitioner)
    feed_url = reverse("signups:calendar_feed", args=[feed.token])
    (before,) = events(client.get(feed_url).content)
    session_move(session=session, starts_at=session.starts_at + timedelta(hours=1),
                 ends_at=session.ends_at + timedelta(hours=1))
    (after,) = events(client.get(feed_url).content)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_the_feed_and_the_download_are_published_not_invitations(client, session, practitioner):
    """A subscribed calendar or an imported file is the person's copy, not a
    meeting request: no organizer or attendee for a mail program to act on."""
    BookingFactory(session=session, user=practitioner)
    feed = calendar_feed_renew(user=practitioner)
    client.force_login(practitioner)
    for url in (reverse("signups:calendar_feed", args=[feed.token]),
                reverse("signups:session_calendar", args=[session.code])):
        cal = icalendar.Calendar.from_ical(client.get(url).content)
        assert str(cal["METHOD"]) == "PUBLISH"
        (event,) = cal.walk("VEVENT")
        assert "ORGANIZER" not in event
        assert "ATTENDEE" not in event


def test_the_feed_needs_no_sign_in_but_a_known_token(client, practitioner):
    feed = calendar_feed_renew(user=practitioner)
    assert len(feed.token) >= 32
    assert client.get(reverse("signups:calendar_feed", args=[feed.token])).status_code == 200
    assert client.get(reverse("signups:calendar_feed", args=["x" * 43])).status_code == 404
    assert client.get("/calendar/%27%3B--.ics").status_code == 404


def test_a_renewed_or_revoked_token_stops_working(client, practitioner):
    old = calendar_feed_renew(user=practitioner).token
    new = calendar_feed_renew(user=practitioner).token
    assert new != old
    assert client.get(reverse("signups:calendar_feed", args=[old])).status_code == 404
    client.force_login(practitioner)
    client.post(reverse("signups:calendar_revoke"))
    client.logout()
    assert client.get(reverse("signups:calendar_feed", args=[new])).status_code == 404


def test_the_feed_shows_only_its_owners_sessions(client, session, practitioner, outsider):
    BookingFactory(session=session, user=outsider)
    feed = calendar_feed_renew(user=practitioner)
    assert events(client.get(reverse("signups:calendar_feed", args=[feed.token])).content) == []


def test_the_calendar_page_creates_renews_and_revokes(client, practitioner):
    client.force_login(practitioner)
    assert "Create my calendar address" in client.get(reverse("signups:calendar")).text
    client.post(reverse("signups:calendar_renew"))
    feed = CalendarFeed.objects.get(user=practitioner)
    page = client.get(reverse("signups:calendar")).text
    assert feed.token in page
    assert "webcal://" in page
    client.post(reverse("signups:calendar_revoke"))
    assert not CalendarFeed.objects.exists()


def test_the_calendar_page_shows_only_my_own_token(client, practitioner, outsider):
    theirs = calendar_feed_renew(user=outsider)
    client.force_login(practitioner)
    assert theirs.token not in client.get(reverse("signups:calendar")).text


@pytest.mark.parametrize("name", ["calendar_renew", "calendar_revoke"])
def test_feed_changes_reject_get(client, practitioner, name):
    client.force_login(practitioner)
    assert client.get(reverse(f"signups:{name}")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_a_sessions_calendar_file(client, session, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("signups:session_calendar", args=[session.code]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    (event,) = events(response.content)
    assert event.decoded("DTSTART") == session.starts_at
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_calendar_file_is_only_for_people_who_can_see_the_session(client, outsider, facilitator):
    hidden = GroupSessionFactory(group=PeerGroupFactory(status=PeerGroup.Status.DRAFT, facilitators=[facilitator]))
    client.force_login(outsider)
    assert client.get(reverse("signups:session_calendar", args=[hidden.code])).status_code == 404
    client.force_login(facilitator)
    assert client.get(reverse("signups:session_calendar", args=[hidden.code])).status_code == 200
    client.logout()
    assert client.get(reverse("signups:session_calendar", args=[hidden.code])).status_code == 302
