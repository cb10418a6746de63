"""Two sweeps at once, on the real PostgreSQL: every reminder exactly once."""

import threading
import time

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from core.testing import requires_postgres
from notifications import delivery
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

_sent: list[str] = []
_lock = threading.Lock()


class SlowRecordingBackend(BaseEmailBackend):
    """Delivery takes a while, as over a network, so the sweeps overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        with _lock:
            _sent.extend(m.extra_headers["Message-ID"] for m in messages)
        return len(messages)


def run_sweeps(count: int) -> list[dict]:
    barrier = threading.Barrier(count)
    results: list[dict] = []

    def sweep():
        try:
            barrier.wait()
            results.append(delivery.notifications_send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_racing_sweeps_send_each_reminder_exactly_once(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowRecordingBackend"}}
    _sent.clear()
    notifications = NotificationFactory.create_batch(40)
    results = run_sweeps(2)
    assert sorted(_sent) == sorted(f"<notification-{n.code}@127.0.0.1>" for n in notifications)
    assert len(set(_sent)) == len(_sent) == 40
    assert sum(r.get("sent", 0) for r in results) == 40
    assert all(r.get("sent", 0) > 0 for r in results), "both sweeps should have done some of the work"
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_four_racing_sweeps_with_failures_never_double_count_attempts(settings):
    settings.MAILERS = {"default": {"BACKEND": "notifications.tests.test_delivery.RefusingBackend"}}
    NotificationFactory.create_batch(20)
    run_sweeps(4)
    assert set(Notification.objects.values_list("status", "attempts")) == {("pending", 1)}
