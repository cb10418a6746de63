"""The room's timers (the session's end, the sign-in's limits) close sockets
from the server's side, when the client may already have gone without its
disconnect being handled yet: then nothing is raised or logged."""

import asyncio
import logging
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from uvicorn.protocols.utils import ClientDisconnected

from rooms.consumers import RoomConsumer

pytestmark = pytest.mark.asyncio


class SignIn(dict):
    session_key = "gone"


def consumer_whose_client_is_gone() -> RoomConsumer:
    consumer = RoomConsumer()
    consumer.session = SimpleNamespace(code="gone", ends_at=timezone.now() - timedelta(seconds=1))
    consumer.scope = {"session": SignIn(last_seen=time.time() - 24 * 3600)}

    async def gone(message):
        raise ClientDisconnected  # what uvicorn raises on sending to a closed connection

    consumer.base_send = gone
    return consumer


@pytest.mark.parametrize("timer", ["_close_at_end", "_close_at_sign_in_end"])
async def test_a_timer_closing_a_socket_whose_client_is_gone_raises_and_logs_nothing(timer, caplog):
    consumer = consumer_whose_client_is_gone()
    with caplog.at_level(logging.INFO):
        task = asyncio.ensure_future(getattr(consumer, timer)())  # as `connect` starts it
        await asyncio.wait_for(asyncio.shield(task), timeout=3)
    assert task.exception() is None
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
