"""iCalendar files: one session, or a person's subscription feed.

Events say only "Peer support session": calendars are seen on shared screens,
so the format or topic never shows; the group title the person chose to join is
in the description. UIDs are stable per session; SEQUENCE is the session's
`sequence`, raised by one with every move, cancellation or time change, plus
the booking's, raised each time the person cancels or books again.

Two kinds of file (RFC 5546): what a person downloads or subscribes to is
`METHOD:PUBLISH`, with no organizer or attendees; what an email carries is a
scheduling message to its recipient, `METHOD:REQUEST` for a place held (booked,
reminded, moved) and `METHOD:CANCEL` for a session called off, so Outlook and
NHSmail update or remove the entry they already have.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vDDDTypes
from icalendar.parser import Contentline

from groups.models import GroupSession, PeerGroup
from signups.models import Booking

LONDON = "Europe/London"
SUMMARY = "Peer support session"
FEED_HISTORY = timedelta(days=60)
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


@dataclass(frozen=True)
class Invitation:
    """An emailed calendar file and its method, which the email's
    Content-Type repeats (`text/calendar; method=REQUEST`)."""

    body: bytes
    method: str


def _calendar(name: str, *, method: str = PUBLISH) -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SERVICE_NAME}//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", LONDON)
    return cal


def calendar_sequence(session: GroupSession, booking: Booking | None) -> int:
    """The SEQUENCE of a session's entry in this person's calendar: the
    session's changes (moves, cancellation) plus the person's own (cancelling,
    booking again). Both only rise, so it rises by one per change."""
    return session.sequence + (booking.sequence if booking is not None else 0)


def _event(session: GroupSession, *, cancelled: bool, changed: datetime, sequence: int) -> Event:
    group: PeerGroup = session.group
    tz = ZoneInfo(LONDON)
    page = settings.SITE_URL + reverse("signups:session", args=[session.code])
    event = Event()
    event.add("uid", f"session-{session.code}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", SUMMARY)
    event.add("description", f"{group.title}\n\nSession page: {page}")
    event.add("url", page)
    event.add("location", group.venue if group.delivery == PeerGroup.Delivery.IN_PERSON and group.venue else page)
    event.add("sequence", sequence)
    event.add("last-modified", max(session.updated_at, changed))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _finish(cal: Calendar) -> bytes:
    # Only the years the events use, so the VTIMEZONE stays small.
    this_year = timezone.localdate().year
    cal.add_missing_timezones(first_date=date(this_year - 1, 1, 1), last_date=date(this_year + 3, 1, 1))
    if not cal.timezones:  # an empty feed still names its zone for clients
        cal.add_component(Timezone.from_tzid(LONDON, first_date=date(this_year, 1, 1),
                                             last_date=date(this_year + 1, 1, 1)))
    return cal.to_ical()


def _is_cancelled(session: GroupSession, booking: Booking | None) -> bool:
    return session.is_cancelled or (booking is not None and booking.status == Booking.Status.CANCELLED)


def session_ics(session: GroupSession, booking: Booking | None = None) -> bytes:
    """The file a person downloads from the session's page."""
    cal = _calendar(SUMMARY)
    changed = booking.updated_at if booking is not None else session.updated_at
    cal.add_component(_event(session, cancelled=_is_cancelled(session, booking), changed=changed,
                             sequence=calendar_sequence(session, booking)))
    return _finish(cal)


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name or settings.SERVICE_NAME
    return organizer


def _attendee(email: str) -> vCalAddress:
    # The person booked the place themselves: accepted already, and no reply
    # is wanted (the organizer is a no-reply address).
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params.update({"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                            "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"})
    return attendee


def invitation_ics(session: GroupSession, booking: Booking, *, attendee: str) -> Invitation:
    """The file an email sends `attendee`: a REQUEST that adds or updates the
    entry while the place is held, a CANCEL that removes it when it is not."""
    cancelled = _is_cancelled(session, booking)
    method = CANCEL if cancelled else REQUEST
    cal = _calendar(SUMMARY, method=method)
    event = _event(session, cancelled=cancelled, changed=booking.updated_at,
                   sequence=calendar_sequence(session, booking))
    event.add("organizer", _organizer())
    event.add("attendee", _attendee(attendee))
    cal.add_component(event)
    return Invitation(_finish(cal), method)


# Stand-ins for a person's own lines in a session's shared invitation (see
# Invitations): values no real entry has, replaced line by line.
_SEQUENCE_MARK = 2_000_000_001
_CHANGED_MARK = datetime(1901, 1, 1, tzinfo=ZoneInfo("UTC"))
_ATTENDEE_MARK = "attendee@invitation.invalid"
# A content line and its folded continuations (RFC 5545 3.1: CRLF then a space).
_ATTENDEE_LINE = re.compile(rb"\r\nATTENDEE[;:][^\r]*(?:\r\n [^\r]*)*")


def _folded(line: Contentline) -> bytes:
    """`line.to_ical()`: icalendar cuts a line every 74 characters, looping
    over each one (to keep multi-byte characters and escapes whole); a plain
    ASCII line without escapes, like an address, is cut the same way here."""
    text = str(line)
    if not text.isascii() or "\\" in text or "^" in text:
        return line.to_ical()
    return "\r\n ".join(text[i:i + 74] for i in range(0, len(text), 74)).encode("ascii")


def _utc_value(moment: datetime) -> bytes:
    """`vDDDTypes(moment).to_ical()` for a UTC time, as the database gives them."""
    if moment.tzinfo is not UTC:
        return vDDDTypes(moment).to_ical()
    return moment.strftime("%Y%m%dT%H%M%SZ").encode("ascii")


class Invitations:
    """The files of many emails about the same sessions, as a reminder sweep
    sends them: each session's calendar (its VTIMEZONE, event and folding)
    is built once, and each file only sets its person's own lines: ATTENDEE,
    SEQUENCE (the booking's changes count) and LAST-MODIFIED. The result is
    the file `invitation_ics` makes (tests compare them). Keep one for a
    sweep, not longer: a session's or group's edits reach the next one."""

    def __init__(self) -> None:
        self._shared: dict[tuple, tuple[bytes, bytes, bytes, str]] = {}

    def invitation(self, session: GroupSession, booking: Booking, *, attendee: str) -> Invitation:
        cancelled = _is_cancelled(session, booking)
        group = session.group
        key = (session.pk, session.updated_at, session.starts_at, session.ends_at, cancelled,
               group.pk, group.title, group.venue, group.delivery)
        shared = self._shared.get(key)
        if shared is None:
            shared = self._shared[key] = self._build(session, booking, cancelled)
        body, sequence_line, changed_line, method = shared
        person = _attendee(attendee)
        # The line Event.to_ical writes for this property, folded the same way.
        attendee_line = b"\r\n" + _folded(Contentline.from_parts("ATTENDEE", person.params, person, sorted=True))
        changed = max(session.updated_at, booking.updated_at)
        body = (body.replace(sequence_line, b"\r\nSEQUENCE:%d\r\n" % calendar_sequence(session, booking), 1)
                .replace(changed_line, b"\r\nLAST-MODIFIED:" + _utc_value(changed) + b"\r\n", 1))
        return Invitation(_ATTENDEE_LINE.sub(lambda _: attendee_line, body, count=1), method)

    @staticmethod
    def _build(session: GroupSession, booking: Booking, cancelled: bool) -> tuple[bytes, bytes, bytes, str]:
        method = CANCEL if cancelled else REQUEST
        cal = _calendar(SUMMARY, method=method)
        event = _event(session, cancelled=cancelled, changed=_CHANGED_MARK, sequence=_SEQUENCE_MARK)
        event["last-modified"] = vDDDTypes(_CHANGED_MARK)
        event.add("organizer", _organizer())
        event.add("attendee", _attendee(_ATTENDEE_MARK))
        cal.add_component(event)
        return (_finish(cal), b"\r\nSEQUENCE:%d\r\n" % _SEQUENCE_MARK,
                b"\r\nLAST-MODIFIED:" + vDDDTypes(_CHANGED_MARK).to_ical() + b"\r\n", method)


def feed_bookings(user, *, now: datetime) -> Iterable[Booking]:
    """Places held or given up, recent and to come. Waiting-list entries are
    left out: they are not in the diary until a place is confirmed."""
    return (
        Booking.objects.filter(user=user, session__ends_at__gte=now - FEED_HISTORY)
        .exclude(status=Booking.Status.WAITLISTED)
        .select_related("session__group")
        .order_by("session__starts_at")
    )


def feed_ics(user) -> bytes:
    cal = _calendar(settings.SERVICE_NAME)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for booking in feed_bookings(user, now=timezone.now()):
        cancelled = booking.session.is_cancelled or booking.status == Booking.Status.CANCELLED
        cal.add_component(_event(booking.session, cancelled=cancelled, changed=booking.updated_at,
                                 sequence=calendar_sequence(booking.session, booking)))
    return _finish(cal)
