"""rooms.dispatch: what reaches a room's socket is handled one message at a
time, in arrival order, from both sources, and a source is not read far ahead."""

import asyncio

import pytest

from rooms.dispatch import dispatch_in_turn

pytestmark = pytest.mark.asyncio


class Stop(Exception):
    pass


def queue_source(queue: asyncio.Queue):
    return queue.get


async def test_messages_from_both_sources_are_handled_one_at_a_time_in_arrival_order():
    browser, layer = asyncio.Queue(), asyncio.Queue()
    handled, running = [], []

    async def dispatch(message):
        assert not running, "two messages handled at once"
        running.append(message)
        await asyncio.sleep(0.002)
        handled.append(message["n"])
        running.clear()
        if message["n"] == 9:
            raise Stop

    async def arrive():
        for n, queue in enumerate([browser, layer, layer, browser, layer, browser]):
            queue.put_nowait({"n": n})
            await asyncio.sleep(0.01)  # each arrives after the one before was handled
        for n in range(6, 10):  # then a burst on one source keeps its order
            layer.put_nowait({"n": n})

    arriving = asyncio.ensure_future(arrive())
    with pytest.raises(Stop):
        await asyncio.wait_for(dispatch_in_turn([queue_source(browser), queue_source(layer)], dispatch), 5)
    await arriving
    assert handled == list(range(10))


async def test_a_source_that_fails_ends_the_loop_with_its_error():
    async def broken():
        raise ConnectionError("gone")

    async def dispatch(message):
        pass

    with pytest.raises(ConnectionError):
        await asyncio.wait_for(dispatch_in_turn([broken, asyncio.Queue().get], dispatch), 5)


async def test_on_the_way_out_every_read_still_waiting_is_cancelled():
    cancelled = []

    async def waits_forever():
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)  # the channel layer leaves its channel here
            raise

    async def once():
        return {"n": 0}

    async def dispatch(message):
        raise Stop

    with pytest.raises(Stop):
        await asyncio.wait_for(dispatch_in_turn([waits_forever, once], dispatch), 5)
    assert cancelled == [True]


async def test_a_source_is_not_read_far_ahead_of_its_handling():
    reads = []
    release = asyncio.Event()

    async def endless():
        reads.append(len(reads))
        return {"n": reads[-1]}

    async def dispatch(message):
        await release.wait()  # the first message's handling takes a while
        raise Stop

    loop = asyncio.ensure_future(dispatch_in_turn([endless], dispatch))
    for _ in range(50):
        await asyncio.sleep(0)
    assert len(reads) <= 3
    release.set()
    with pytest.raises(Stop):
        await asyncio.wait_for(loop, 5)
