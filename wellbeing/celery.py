"""The Celery app: `celery -A wellbeing worker` / `celery -A wellbeing beat`."""

import os

import redis
from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellbeing.settings")


class RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, made safe to close twice after the broker has gone.

    Celery 5.7.0 / kombu 5.7.0 (the newest releases) crash the worker when the
    broker goes away while it holds an unacknowledged message (every task here:
    `acks_late`). On the connection error the consumer first `collect()`s the
    connection: closing the channel there fails on the dead socket, and the
    transport is then detached (`transport.client = None`). It then closes the
    connection again; the channel, still open, tries to restore its unacked
    messages, builds a new Redis pool from `transport.client` and raises
    `AttributeError: 'NoneType' object has no attribute 'hostname'`. That is
    not a connection error, so it escapes `ignore_errors` and the worker stops
    ("Unrecoverable error"). Raising a connection error instead lets the close
    finish and the worker reconnect. The messages stay in Redis's unacked set
    and are delivered again after the visibility timeout if they were never
    acknowledged (every task is idempotent).
    """

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise redis.exceptions.ConnectionError("broker connection already closed")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    Channel = RedisChannel


app = Celery("wellbeing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
