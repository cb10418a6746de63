"""Embedded mode (no Redis, no SMTP): due reminders land in the file outbox."""

import email

import pytest

from notifications import delivery
from notifications.tests.factories import NotificationFactory


@pytest.mark.django_db
def test_a_due_reminder_ends_up_as_an_eml_in_the_outbox(settings, tmp_path):
    settings.MAILERS = {"default": {"BACKEND": "core.mail.OutboxEmailBackend",
                                    "OPTIONS": {"file_path": str(tmp_path)}}}
    notification = NotificationFactory()
    delivery.notifications_send_due()
    [eml] = tmp_path.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert message["To"] == notification.user.email
    assert message["Message-ID"] == f"<notification-{notification.code}@127.0.0.1>"
    types = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= types
