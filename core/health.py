"""Reachability checks of each backing service, for /healthz."""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection

CHANNEL_LAYER_TIMEOUT = 3  # seconds: a health check must answer, never hang


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value written")
    cache.delete(key)


async def _channel_layer_round_trip() -> None:
    # One coroutine, so one event loop: the pub/sub layer subscribes a new
    # channel on the loop that created it and delivers only while it listens.
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=CHANNEL_LAYER_TIMEOUT)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer did not deliver")


def check_channel_layer() -> None:
    async_to_sync(_channel_layer_round_trip)()


def check_broker() -> None:
    # The project's Celery app, as tasks find it (`shared_task`): core sits
    # below the project package and does not import it.
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}
# Components whose failure leaves pages working: /healthz then says
# "degraded" with 200 (a load balancer must not take working pages out of
# service because mail is down), not "unavailable" with 503.
DEGRADING: set[str] = set()


def register(name: str, check, *, degrading: bool = False) -> None:
    """Another app's component (apps register in `ready`, so core imports none of them)."""
    CHECKS[name] = check
    if degrading:
        DEGRADING.add(name)


def overall(results: dict[str, str]) -> str:
    failing = {name for name, state in results.items() if state != "ok"}
    if not failing:
        return "ok"
    return "degraded" if failing <= DEGRADING else "unavailable"


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "down"; say which kind
            results[name] = f"error: {type(exc).__name__}"
    return results
