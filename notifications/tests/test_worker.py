"""Real Celery workers: killed mid-batch and restarted, every reminder is sent
exactly once; and embedded mode's file-system broker delivers to the outbox."""

import email
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.conf import settings
from django.db.models import F

from core.testing import postgres_configured
from notifications import delivery
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from notifications.tests.workers import SmtpSink, Worker, filesystem_broker, free_port, wait_for, worker_env

SWEEP = "notifications.tasks.send_due_notifications"
Status = Notification.Status


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Notification.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


@pytest.mark.postgres
@pytest.mark.skipif(not (postgres_configured() and settings.REDIS_URL),
                    reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (CI does)")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_sends_every_reminder_exactly_once(tmp_path):
    notifications = NotificationFactory.create_batch(8)
    expected = sorted(f"<notification-{n.code}@127.0.0.1>" for n in notifications)
    queue = f"test-notifications-{uuid.uuid4().hex[:12]}"
    broker = Celery("probe", broker=settings.CELERY_BROKER_URL)
    log = tmp_path / "worker.log"
    with SmtpSink(hold_after=3) as sink:
        env = worker_env(tmp_path, REDIS_URL=settings.REDIS_URL, EMAIL_HOST="127.0.0.1",
                         EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="false")
        worker = Worker(env=env, queue=queue, log=log).start()
        try:
            broker.send_task(SWEEP, queue=queue)
            # The fourth message is on the wire, not yet accepted: kill the worker there.
            wait_for(sink.holding.is_set, timeout=90, what="the worker to reach the fourth message", log=log)
            worker.kill()
            # It had claimed its batch (all eight): three sent, five still claimed.
            assert statuses() == {Status.SENT: 3, Status.SENDING: 5}
            sink.release.set()

            # Five minutes pass: the dead worker's lease runs out (wound back, not waited for).
            Notification.objects.filter(status=Status.SENDING).update(
                claimed_at=F("claimed_at") - delivery.LEASE - timedelta(seconds=1))
            worker = Worker(env=env, queue=queue, log=log).start()
            broker.send_task(SWEEP, queue=queue)  # the next beat tick
            wait_for(lambda: statuses() == {Status.SENT: 8}, timeout=90, what="every reminder sent", log=log)
        finally:
            worker.stop()
            with broker.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
        assert sorted(sink.accepted) == expected
    assert Notification.objects.filter(attempts=2).count() == 5, "the dead worker's unsent claims went to the second"


@pytest.mark.django_db(transaction=True)
def test_embedded_mode_a_worker_on_the_file_system_broker_writes_due_reminders_to_the_outbox(tmp_path):
    notification = NotificationFactory()
    broker, _queue_dir = filesystem_broker(tmp_path)
    log = tmp_path / "worker.log"
    worker = Worker(env=worker_env(tmp_path), queue="celery", log=log).start()
    outbox = tmp_path / "var" / "outbox"
    try:
        broker.send_task(SWEEP)
        wait_for(lambda: outbox.exists() and any(outbox.glob("*.eml")), timeout=90, what="an .eml", log=log)
        wait_for(lambda: statuses() == {Status.SENT: 1}, timeout=30, what="the row marked sent", log=log)
    finally:
        worker.stop()
    [eml] = outbox.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert message["To"] == notification.user.email
    assert message["Subject"].startswith("Reminder: your session")


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_mail_server_refuses_connections_retries_and_sends_once_when_it_is_back(tmp_path):
    notification = NotificationFactory()
    broker, queue_dir = filesystem_broker(tmp_path)
    port = free_port()  # nothing listens here yet: connections are refused
    log = tmp_path / "worker.log"
    env = worker_env(tmp_path, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_USE_TLS="false",
                     EMAIL_TIMEOUT="2")
    worker = Worker(env=env, queue="celery", log=log).start()
    try:
        broker.send_task(SWEEP)
        wait_for(lambda: Notification.objects.filter(pk=notification.pk, attempts=1, status=Status.PENDING).exists(),
                 timeout=90, what="the refused attempt recorded", log=log)
        notification.refresh_from_db()
        assert notification.last_error == "ConnectionRefusedError"
        assert notification.shown_at is not None, "in the person's list without the email"
        assert notification.due_at > notification.claimed_at, "backoff"
        with SmtpSink(port=port) as sink:  # the mail server comes back
            Notification.objects.update(due_at=F("claimed_at"))  # the backoff passes (wound back, not waited for)
            broker.send_task(SWEEP)
            broker.send_task(SWEEP)  # two sweeps at once, as beat's parallel ones are
            wait_for(lambda: statuses() == {Status.SENT: 1}, timeout=90, what="the reminder sent", log=log)
            broker.send_task(SWEEP)
            wait_for(lambda: not any(queue_dir.iterdir()), timeout=30, what="the last sweep taken", log=log)
    finally:
        worker.stop()
    assert sink.accepted == [f"<notification-{notification.code}@127.0.0.1>"]
    notification.refresh_from_db()
    assert notification.attempts == 2
