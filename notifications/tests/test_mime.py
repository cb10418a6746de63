"""Notification emails are written by notifications.mime, not the email
package's generator: what a mail program reads must be what Django's own
`EmailMessage.message()` would have sent."""

import email
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from notifications.email import Shared, build_email
from notifications.messages import compose
from notifications.mime import RawMessage
from notifications.models import Kind
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _read(raw: bytes) -> tuple[dict, list]:
    parsed = email.message_from_bytes(raw, policy=policy.default)
    headers = {name: str(parsed[name]) for name in ("Subject", "From", "To", "Message-ID", "Auto-Submitted")}
    parts = [(part.get_content_type(), sorted(p for p in part.get_params() or [] if p[0] != "boundary"),
              part.get_filename(),
              None if part.is_multipart() else part.get_content()) for part in parsed.walk()]
    return headers, parts


def _both(message) -> tuple[bytes, bytes]:
    fast = message.message(policy=policy.SMTP)
    return fast.as_bytes(), EmailMultiAlternatives.message(message, policy=policy.SMTP).as_bytes()


@pytest.mark.parametrize("kind", [Kind.REMINDER_1H, Kind.FEEDBACK_INVITATION])
def test_the_written_message_reads_as_djangos_would(kind):
    notification = NotificationFactory(kind=kind, booking__user__display_name="Zoë <b>&amp;",
                                       booking__session__group__title="Équipe de nuit " + "x" * 100)
    message = build_email(notification, compose(notification, now=timezone.now()))
    assert isinstance(message.message(), RawMessage)
    fast, django = _both(message)
    assert b"\r\n" in fast
    assert b"\n" not in fast.replace(b"\r\n", b"")
    assert max(len(line) for line in fast.split(b"\r\n")) <= 998
    assert _read(fast) == _read(django)


def test_a_non_ascii_subject_is_encoded_and_reads_the_same():
    notification = NotificationFactory(kind=Kind.REMINDER_1H)
    message = build_email(notification, compose(notification, now=timezone.now()))
    message.subject = "Réunion: " + "long words " * 12
    message.body += "an ASCII line longer than SMTP allows " * 40
    fast, django = _both(message)
    assert fast.isascii()
    assert _read(fast) == _read(django)


def test_a_message_outside_the_simple_shape_is_built_by_django():
    notification = NotificationFactory(kind=Kind.REMINDER_1H)
    message = build_email(notification, compose(notification, now=timezone.now()))
    message.to = ["zoë@example.com"]
    assert not isinstance(message.message(), RawMessage)


def test_each_persons_name_is_in_their_own_email_only():
    shared = Shared()
    first = NotificationFactory(kind=Kind.REMINDER_1H, booking__user__display_name="Ann")
    second = NotificationFactory(kind=Kind.REMINDER_1H, booking__session=first.booking.session,
                                 booking__user__display_name="Ben")
    one, two = (build_email(n, compose(n, now=timezone.now(), invitations=shared.invitations), shared)
                for n in (first, second))
    assert "Hello Ann," in one.body
    assert "Ben" not in one.body
    assert "Hello Ben," in two.body
    assert "Ann" not in two.alternatives[0].content
    assert second.user.email.encode() in two.attachments[0].get_content().replace("\r\n ", "").encode()
    assert first.user.email not in two.attachments[0].get_content().replace("\r\n ", "")
