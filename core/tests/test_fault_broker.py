"""A real Celery worker survives its Redis broker restarting under it, while
it holds a task, and runs the next sweep afterwards."""

import uuid
from pathlib import Path

import pytest
from celery import Celery

from core.tests.servers import RedisServer, celery_worker, stop_group
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from notifications.tests.workers import wait_for, worker_env

SWEEP = "notifications.tasks.send_due_notifications"
HOLD = "core.tests.celery_probe.hold"


def _marks(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_worker_holding_a_task_survives_redis_restarting_and_runs_the_next_sweep(tmp_path):
    log = tmp_path / "worker.log"
    marks = tmp_path / "marks"
    queue = f"test-broker-{uuid.uuid4().hex[:12]}"
    with RedisServer(tmp_path / "redis.log") as redis_server:
        producer = Celery("probe", broker=redis_server.url)
        worker = celery_worker(env=worker_env(tmp_path, REDIS_URL=redis_server.url), queue=queue, log=log,
                               include="core.tests.celery_probe")
        try:
            wait_for(lambda: " ready." in log.read_text(), timeout=60, what="the worker to start", log=log)
            producer.send_task(HOLD, args=[4, str(marks)], queue=queue)
            wait_for(lambda: _marks(marks) == ["start"], timeout=30, what="the worker to hold the task", log=log)

            redis_server.restart()  # under the worker, with the task unacknowledged

            wait_for(lambda: _marks(marks) == ["start", "done"], timeout=30, what="the held task to end", log=log)
            wait_for(lambda: log.read_text().count("Connected to") >= 2, timeout=30,
                     what="the worker to reconnect", log=log)
            notification = NotificationFactory()
            producer.send_task(SWEEP, queue=queue)  # the next beat tick
            wait_for(lambda: Notification.objects.get(pk=notification.pk).status == Notification.Status.SENT,
                     timeout=60, what="the sweep after the restart to send the reminder", log=log)
            assert worker.poll() is None, "the worker process is still running"
        finally:
            stop_group(worker)
    assert "Unrecoverable error" not in log.read_text()


def _celery_setting(name: str, **env: str) -> str:
    import os
    import subprocess
    import sys

    from notifications.tests.workers import ROOT

    snippet = f"from wellbeing.celery import app; print(app.conf.{name})"
    result = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "wellbeing.settings", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_fixed_redis_transport_is_used_only_for_a_redis_broker():
    assert _celery_setting("broker_transport", REDIS_URL="redis://127.0.0.1:1/0") == "wellbeing.celery:RedisTransport"
    assert _celery_setting("broker_transport", REDIS_URL="redis://127.0.0.1:1/0",
                           CELERY_BROKER_URL="amqp://guest@127.0.0.1//") == "None"
    assert _celery_setting("broker_connection_max_retries", REDIS_URL="redis://127.0.0.1:1/0") == "None"
