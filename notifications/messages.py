"""What each kind of notification says, in its email and in the person's list.

Subjects never name a group's title, topic or format: an inbox may be read on
a shared screen. Bodies may, since they are opened on purpose.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse

from core import dates
from groups.models import GroupSession, PeerGroup
from notifications import links
from notifications.models import Kind, Notification
from notifications.scheduling import stamp_previous_start
from signups.ical import Invitation, Invitations, invitation_ics
from signups.models import Booking


@dataclass
class Composed:
    subject: str
    heading: str
    paragraphs: list[str]
    action_label: str
    action_url: str
    calendar: Invitation | None = None
    calendar_name: str = "session.ics"
    extra: list[str] = field(default_factory=list)


def _where(group: PeerGroup) -> str:
    if group.delivery == PeerGroup.Delivery.IN_PERSON:
        return f"It takes place in person at {group.venue}." if group.venue else "It takes place in person."
    if group.delivery == PeerGroup.Delivery.EXTERNAL:
        return "It takes place online. The meeting link is on the session's page."
    return "It takes place online, in this service's own room. Use the link below to join on the day."


def _when(session: GroupSession) -> str:
    return f"{dates.day(session.starts_at, year=False)} at {dates.clock(session.starts_at)}"


def _moved(group: PeerGroup, stamp: str, span: str) -> str:
    if previous := stamp_previous_start(stamp):
        return (f"{group.title} has moved from {dates.day(previous)}, {dates.clock(previous)} "
                f"to {span}.")
    return f"{group.title} has moved to {span}."


def _booking_message(notification: Notification, now: datetime, invitations: Invitations | None) -> Composed:
    booking = notification.booking
    session = booking.session
    group = session.group
    span = dates.span(session.starts_at, session.ends_at)
    kind = notification.kind
    join = links.join_link(session)
    # Only a place held is in the person's calendar: a REQUEST adds or updates
    # it, a CANCEL (when the session is called off) removes it.
    # A sweep's messages share each session's file (signups.ical.Invitations).
    make = invitations.invitation if invitations is not None else invitation_ics
    calendar = (make(session, booking, attendee=notification.user.email)
                if booking.status == Booking.Status.CONFIRMED else None)
    cancel_hint = "If you cannot come, please cancel your place so someone else can have it."
    if kind == Kind.BOOKING_CONFIRMED:
        return Composed(
            f"Your place is booked for {_when(session)}", "Your place is booked",
            [f"You have a place at {group.title}: {span}.", _where(group), cancel_hint],
            "Go to your session", join, calendar,
        )
    if kind in (Kind.REMINDER_24H, Kind.REMINDER_1H):
        relative = dates.relative_day(session.starts_at, now=now)
        return Composed(
            f"Reminder: your session {relative} at {dates.clock(session.starts_at)}",
            "Your session is coming up",
            [f"{group.title}: {span}.", _where(group), cancel_hint],
            "Join your session", join, calendar,
            extra=[f"You can choose which reminders you get: {links.preferences_link()}"],
        )
    if kind == Kind.WAITLIST_PROMOTED:
        return Composed(
            f"A place has come up for your session on {_when(session)}", "You have a place",
            [f"A place came up at {group.title} and it is yours: {span}.", _where(group), cancel_hint],
            "Go to your session", join, calendar,
        )
    if kind == Kind.SESSION_MOVED:
        kept = ("You are still on the waiting list." if booking.status == Booking.Status.WAITLISTED
                else "Your place is kept. If you cannot come at the new time, please cancel your place.")
        return Composed(
            f"Your session has moved to {_when(session)}", "Your session has moved",
            [_moved(group, notification.stamp, span), kept],
            "Go to your session", links.session_link(session), calendar,
        )
    if kind == Kind.SESSION_RESTORED:
        kept = ("You are still on the waiting list." if booking.status == Booking.Status.WAITLISTED
                else "Your place is kept. If you cannot come, please cancel your place.")
        return Composed(
            f"Your session on {_when(session)} is going ahead", "Your session is back on",
            [f"{group.title} on {span} was cancelled, and is now going ahead after all.", kept],
            "Go to your session", links.session_link(session), calendar,
        )
    if kind == Kind.SESSION_CANCELLED:
        paragraphs = [f"{group.title} on {span} will not take place."]
        if session.cancelled_reason:
            paragraphs.append(f"The facilitator said: {session.cancelled_reason}")
        return Composed(
            f"Your session on {_when(session)} is cancelled", "Your session is cancelled",
            paragraphs, "See the group's other sessions", links.group_link(group), calendar,
        )
    if kind == Kind.BOOKING_CANCELLED:
        return Composed(
            f"Your place on {_when(session)} is cancelled", "Your place is cancelled",
            [f"You cancelled your place at {group.title}: {span}.",
             "The attached calendar file removes it from your calendar.",
             "If you change your mind, you can book again while places are free."],
            "See the group's sessions", links.group_link(group),
            make(session, booking, attendee=notification.user.email),
        )
    if kind == Kind.FEEDBACK_INVITATION:
        return Composed(
            "How was your session?", "Tell us how it went",
            [f"Thank you for coming to {group.title} on {dates.day(session.starts_at)}.",
             "Your feedback is anonymous: it is not linked to you, and it helps the facilitators."],
            "Give feedback", links.feedback_link(session),
        )
    raise ValueError(f"not a booking notification: {kind}")


def _browse_link() -> str:
    return links.absolute(reverse("groups:browse"))


def _membership_message(notification: Notification) -> Composed:
    membership = notification.membership
    group = membership.group
    reply = [f"A message from the facilitator: {membership.response}"] if membership.response else []
    if notification.kind == Kind.APPLICATION_RECEIVED:
        # The applicant's name stays on the site: an email may be read on a shared screen.
        return Composed(
            "New application to a group you run", "A new application",
            [f"Someone has applied to join {group.title}.",
             "Read their application and decide on the applications page."],
            "Read the application", links.applications_link(group),
        )
    if notification.kind == Kind.APPLICATION_ACCEPTED:
        return Composed(
            "Your application has been accepted", "You have a place in the group",
            [f"{group.title} has accepted your application.", *reply,
             "Your place at each session is kept for you."],
            "Go to the group", links.group_link(group),
        )
    return Composed(
        "An update on your application", "Your application",
        [f"{group.title} cannot offer you a place this time.", *reply,
         "There are other groups you can join."],
        "Find a group", _browse_link(),
    )


def compose(notification: Notification, *, now: datetime, invitations: Invitations | None = None) -> Composed:
    if notification.booking_id:
        return _booking_message(notification, now, invitations)
    return _membership_message(notification)


def headline(notification: Notification) -> str:
    """The line in the person's own list: no relative days, it is read later."""
    if notification.kind == Kind.APPLICATION_RECEIVED:
        return f"{notification.membership.group.title}: new application"
    if notification.membership_id:
        title = notification.membership.group.title
        accepted = notification.kind == Kind.APPLICATION_ACCEPTED
        return f"{title}: application {'accepted' if accepted else 'not accepted'}"
    session = notification.booking.session
    when = dates.span(session.starts_at, session.ends_at)
    return f"{notification.get_kind_display()}: {session.group.title}, {when}"


def link(notification: Notification) -> str:
    if notification.kind == Kind.APPLICATION_RECEIVED:
        return links.applications_link(notification.membership.group)
    if notification.membership_id:
        return links.group_link(notification.membership.group)
    session = notification.booking.session
    if notification.kind == Kind.FEEDBACK_INVITATION:
        return links.feedback_link(session)
    return links.session_link(session)
