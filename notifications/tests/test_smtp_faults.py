"""A mail server that cannot be reached, on real loopback sockets: a closed
port, a server that never greets, one that hangs up, one that answers 421.
Each counts as an attempt with backoff like a 4xx answer, the in-app entry
appears anyway, /healthz says so, and once the server is back each message
arrives exactly once."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import delivery, selectors
from notifications.models import Kind, Notification
from notifications.tests.factories import BookingFactory, NotificationFactory
from notifications.tests.sweeps import refreshed, reminder_swept_until_it_fails
from notifications.tests.workers import SmtpSink, free_port

pytestmark = pytest.mark.django_db
Status = Notification.Status
TIMEOUT = 1  # seconds: EMAIL_TIMEOUT for these tests


@pytest.fixture
def smtp_port(settings) -> int:
    """Mail goes by SMTP to a loopback port nobody listens on (yet)."""
    port = free_port()
    settings.MAILERS = {"default": {"BACKEND": "core.mail.SmtpEmailBackend", "OPTIONS": {
        "host": "127.0.0.1", "port": port, "use_tls": False, "timeout": TIMEOUT, "username": "", "password": "",
    }}}
    return port


class BrokenSmtp:
    """A listening socket that misbehaves on every connection: `silent` never
    greets (the client times out), `hangup` closes at once, `busy` answers 421."""

    def __init__(self, port: int, behaviour: str):
        self.behaviour = behaviour
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.connections = 0
        self.stopping = threading.Event()
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.behaviour == "silent":
                self.held.append(client)
                continue
            if self.behaviour == "busy":
                client.sendall(b"421 127.0.0.1 Service not available, try later\r\n")
            client.close()

    def __enter__(self) -> "BrokenSmtp":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for client in self.held:
            client.close()
        self.server.close()


def reminders(count: int, now) -> list[Notification]:
    return [NotificationFactory(due_at=now - timedelta(seconds=index)) for index in range(count)]


def test_a_refused_connection_is_an_attempt_with_backoff_and_the_reminder_is_sent_once_the_server_is_back(
        smtp_port):
    now = timezone.now()
    waiting = reminders(3, now)
    assert delivery.notifications_send_due(now=now) == {Status.PENDING: 3}
    for notification in map(refreshed, waiting):
        assert (notification.status, notification.attempts) == (Status.PENDING, 1)
        assert notification.last_error == "ConnectionRefusedError"
        assert notification.due_at == now + delivery.BACKOFF[0]
        # the in-app entry does not wait for email
        assert notification.shown_at == now
        assert selectors.notifications_for_user(user=notification.user).filter(pk=notification.pk).exists()
    assert delivery.notifications_send_due(now=now + timedelta(seconds=30)) == {}, "not before the backoff"

    with SmtpSink(port=smtp_port) as sink:  # the server comes up
        later = now + delivery.BACKOFF[0]
        assert delivery.notifications_send_due(now=later) == {Status.SENT: 3}
        assert delivery.notifications_send_due(now=later + timedelta(days=1)) == {}
        assert sorted(sink.accepted) == sorted(f"<notification-{n.code}@127.0.0.1>" for n in waiting)
    assert [refreshed(n).attempts for n in waiting] == [2, 2, 2]


@pytest.mark.parametrize(("behaviour", "error"), [
    ("silent", "SMTPServerDisconnected"),  # smtplib reports the greeting time-out so
    ("hangup", "SMTPServerDisconnected"),
    ("busy", "SMTPConnectError"),
])
def test_a_server_that_times_out_hangs_up_or_is_busy_costs_one_connection_per_sweep(smtp_port, behaviour, error):
    now = timezone.now()
    waiting = reminders(4, now)
    with BrokenSmtp(smtp_port, behaviour) as server:
        started = time.monotonic()
        assert delivery.notifications_send_due(now=now) == {Status.PENDING: 4}
        elapsed = time.monotonic() - started
    assert server.connections == 1, "one unreachable server, one try a sweep"
    assert elapsed < 2 * TIMEOUT + 1, "not one time-out per message"
    for notification in map(refreshed, waiting):
        assert (notification.status, notification.attempts, notification.last_error) == (Status.PENDING, 1, error)
        assert notification.shown_at == now


def test_a_server_refusing_connections_for_long_ends_in_failed_for_admins(smtp_port):
    notification = reminder_swept_until_it_fails(timezone.now())
    assert notification.last_error == "ConnectionRefusedError"


def test_the_send_now_path_records_a_refused_connection_instead_of_leaving_the_row_claimed(smtp_port):
    confirmation = NotificationFactory(kind=Kind.BOOKING_CONFIRMED, stamp="x", booking=BookingFactory())
    assert delivery.notification_send(notification_id=confirmation.pk) == Status.PENDING
    confirmation = refreshed(confirmation)
    assert (confirmation.status, confirmation.attempts) == (Status.PENDING, 1)
    assert confirmation.shown_at is not None


def test_healthz_reports_outbound_mail_failing_and_recovers_when_mail_goes_again(client, smtp_port):
    now = timezone.now()
    reminders(2, now)
    assert client.get(reverse("healthz")).json()["checks"]["mail"] == "ok"
    delivery.notifications_send_due(now=now)

    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert time.monotonic() - started < 3
    # 200: pages still work, so a load balancer must not take the site out of
    # service; monitoring reads "degraded" and the failing component.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded", "pages still work: degraded, not unavailable"
    assert body["checks"]["mail"] == "error: OutboundMailFailing"
    assert all(state == "ok" for name, state in body["checks"].items() if name != "mail")

    with SmtpSink(port=smtp_port):
        delivery.notifications_send_due(now=now + delivery.BACKOFF[0])
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()["checks"]["mail"]) == (200, "ok")
