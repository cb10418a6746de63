"""Turns a composed notification into an email: plain text, simple NHS.UK-styled
HTML, an .ics where there is a session, and the "Need help now?" footer.

A sweep sends many emails about the same few sessions, so what they share is
made once per sweep (`Shared`): the two templates are rendered once per
message and programme with the person's name filled in afterwards, and each
session's calendar file is built once (`signups.ical.Invitations`). The bytes
are written by `notifications.mime` rather than the email package's
generator (bench S4: together these were most of a reminder's CPU)."""

import email.policy
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape

from notifications import links, mime
from notifications.messages import Composed
from notifications.models import Notification
from programmes.selectors import signposting_for
from signups.ical import Invitation, Invitations

# Where the person's name goes in a body rendered once for everyone; a name
# cannot hold a NUL (Django's form fields refuse them).
_NAME = "\x00display-name\x00"


def message_id(notification: Notification) -> str:
    """The same on every attempt, so a mail system that sees a message twice
    (the unavoidable SMTP edge: accepted, then the worker died before
    recording it) can tell it is one message."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<notification-{notification.code}@{host}>"


class Shared:
    """What one sweep's emails have in common. Keep one for a sweep only, so
    an edit to a group or a programme's signposts reaches the next."""

    def __init__(self) -> None:
        self.invitations = Invitations()
        self._signposting: dict[int | None, list[dict[str, str]]] = {}
        self._bodies: dict[tuple, tuple[str, str]] = {}

    def signposting(self, notification: Notification) -> list[dict[str, str]]:
        key = _programme_id(notification)
        if key not in self._signposting:
            self._signposting[key] = signposting_for(_programme(notification))
        return self._signposting[key]

    def bodies(self, notification: Notification, message: Composed) -> tuple[str, str]:
        """The text and HTML bodies for this person."""
        name = notification.user.display_name
        key = (message.heading, tuple(message.paragraphs), message.action_label, message.action_url,
               message.calendar is not None, tuple(message.extra), _programme_id(notification), bool(name))
        if key not in self._bodies:
            context = {
                "message": message,
                "display_name": _NAME if name else "",
                "signposting": self.signposting(notification),
                "service_name": settings.SERVICE_NAME,
                "notifications_url": links.notifications_link(),
                "preferences_url": links.preferences_link(),
            }
            self._bodies[key] = (render_to_string("email/notification.txt", context),
                                 render_to_string("email/notification.html", context))
        text, html = self._bodies[key]
        return text.replace(_NAME, name), html.replace(_NAME, escape(name))


class NotificationEmail(EmailMultiAlternatives):
    """An EmailMultiAlternatives whose `message()` is written by
    `notifications.mime` (falling back to Django's own for anything outside
    its simple shape). The calendar file becomes an attachment part only
    when something asks for `attachments`."""

    def __init__(self, *, invitation: Invitation | None = None, calendar_name: str = "session.ics", **kwargs):
        self.invitation, self.calendar_name = invitation, calendar_name
        super().__init__(**kwargs)

    @property
    def attachments(self) -> list:
        if getattr(self, "invitation", None) is not None and not self._calendar_attached:
            self._calendar_attached = True
            self._attachments.append(calendar_part(self.invitation, filename=self.calendar_name))
        return self._attachments

    @attachments.setter
    def attachments(self, value: list) -> None:
        self._attachments = list(value)
        self._calendar_attached = False

    def message(self, *, policy=email.policy.default):
        if not self._attachments or self._calendar_attached and len(self._attachments) == 1:
            html = [a.content for a in self.alternatives if a.mimetype == "text/html"]
            calendar = (self.invitation.body, self.invitation.method, self.calendar_name) if self.invitation else None
            if len(self.alternatives) == 1 and html and not self.cc and not self.reply_to:
                text = mime.render(subject=str(self.subject), from_email=self.from_email, to=self.to,
                                   headers=self.extra_headers, text=self.body, html=html[0], calendar=calendar)
                if text is not None:
                    return mime.RawMessage(text, policy)
        return super().message(policy=policy)


def build_email(notification: Notification, message: Composed, shared: Shared | None = None) -> NotificationEmail:
    shared = shared or Shared()
    text, html = shared.bodies(notification, message)
    return NotificationEmail(
        subject=message.subject,
        body=text,
        to=[notification.user.email],
        headers={"Message-ID": message_id(notification), "Auto-Submitted": "auto-generated"},
        alternatives=[(html, "text/html")],
        invitation=message.calendar,
        calendar_name=message.calendar_name,
    )


def _programme_id(notification: Notification) -> int | None:
    if notification.booking_id:
        return notification.booking.session.group.programme_id
    if notification.membership_id:
        return notification.membership.group.programme_id
    return None


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
