"""Turns a composed notification into an email: plain text, simple NHS.UK-styled
HTML, an .ics where there is a session, and the "Need help now?" footer."""

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications import links
from notifications.messages import Composed
from notifications.models import Notification
from programmes.selectors import signposting_for
from signups.ical import Invitation


def message_id(notification: Notification) -> str:
    """The same on every attempt, so a mail system that sees a message twice
    (the unavoidable SMTP edge: accepted, then the worker died before
    recording it) can tell it is one message."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<notification-{notification.code}@{host}>"


def build_email(notification: Notification, message: Composed) -> EmailMultiAlternatives:
    context = {
        "message": message,
        "display_name": notification.user.display_name,
        "signposting": signposting_for(_programme(notification)),
        "service_name": settings.SERVICE_NAME,
        "notifications_url": links.notifications_link(),
        "preferences_url": links.preferences_link(),
    }
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=render_to_string("email/notification.txt", context),
        to=[notification.user.email],
        headers={"Message-ID": message_id(notification), "Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(render_to_string("email/notification.html", context), "text/html")
    if message.calendar:
        email.attach(calendar_part(message.calendar, filename=message.calendar_name))
    return email


def _programme(notification: Notification):
    """The programme of the group the message is about: its own "Need help
    now?" entries follow the national ones."""
    if notification.booking_id:
        return notification.booking.session.group.programme
    if notification.membership_id:
        return notification.membership.group.programme
    return None


def calendar_part(invitation: Invitation, *, filename: str) -> MIMEPart:
    """`text/calendar; method=REQUEST` (or CANCEL): mail programs act on the
    file (update or remove the entry) only when the Content-Type names the
    method the file itself has."""
    part = MIMEPart()
    part.set_content(invitation.body.decode(), subtype="calendar", charset="utf-8",
                     params={"method": invitation.method}, disposition="attachment", filename=filename)
    return part
