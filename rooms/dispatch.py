"""Handling what reaches a room's socket, from the browser and from the
channel layer, one message at a time: Channels' `await_many_dispatch`
without its cost per message.

Channels starts a new task for every message and waits on both sources with
`asyncio.wait`; in a room of 100 every chat message costs that 100 times
(bench S2). Here one long-lived reader per source hands what it read to the
one loop that handles messages, in the order they arrive, and waits while
the loop has one waiting, so a source is never read more than a message or
two ahead of its handling (Channels: one). A source's error ends the loop,
as in Channels; on the way out the readers are cancelled and awaited (the
channel layer leaves its channel when its read is cancelled).
"""

import asyncio
from collections.abc import Awaitable, Callable


class _Failed:
    def __init__(self, error: Exception):
        self.error = error


async def dispatch_in_turn(sources: list[Callable[[], Awaitable[dict]]],
                           dispatch: Callable[[dict], Awaitable[None]]) -> None:
    inbox: asyncio.Queue = asyncio.Queue(maxsize=1)

    async def read(source: Callable[[], Awaitable[dict]]) -> None:
        try:
            while True:
                await inbox.put(await source())
        except Exception as error:  # noqa: BLE001 - raised in the handling loop, as Channels does
            await inbox.put(_Failed(error))

    readers = [asyncio.ensure_future(read(source)) for source in sources]
    try:
        while True:
            message = await inbox.get()
            if isinstance(message, _Failed):
                raise message.error
            await dispatch(message)
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
