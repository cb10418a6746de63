"""When a live room's media server is lost (Janus stopped, restarted and
forgot its rooms, or cannot be reached): chat, hands and support carry on
over the room socket while one task, for the whole room, waits for a media
server to answer, makes the room again there (on its old server or, with
several `JANUS_URLS`, the least-loaded reachable one; random id and secret,
recording locked off as always) and announces the new placement, so every
admitted browser re-attaches by itself (rooms.consumers `room_video_room`).

One recovery runs per room across all server processes (a lock in the
cache); it stops when the room is no longer open or nobody let in is
connected, and the browsers' own retries remain as a fallback should the
process holding the lock die.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from django.core.cache import cache

from rooms import media
from rooms.janus import JanusError
from rooms.media import SfuRoom

logger = logging.getLogger(__name__)
LOCK_KEY = "rooms:sfu:recover:{code}"
LOCK_SECONDS = 30  # outlives one attempt (a few Janus timeouts); refreshed while waiting
FIRST_WAIT, LONGEST_WAIT = 0.25, 4.0  # between attempts: doubling, capped
_running: set[asyncio.Task] = set()  # the event loop keeps only weak references to tasks


def placement(room: SfuRoom) -> str:
    """Names where a room lives now (server and room id), for the consumers
    to compare with their own link; never its secret or pin."""
    return f"{room.url}#{room.room}"


async def sfu_room_alive(room: SfuRoom) -> bool:
    """Whether the room still exists on its server: False if the server
    cannot be reached, or restarted and forgot it."""
    try:
        session, handle = await media.admin_session(room.url)
    except JanusError:
        return False
    try:
        return bool((await session.request(handle, {"request": "exists", "room": room.room})).get("exists"))
    except JanusError:
        return False
    finally:
        await session.close()


async def sfu_room_replace(*, code: str, lost: SfuRoom | None, publishers: int, ttl: int) -> SfuRoom:
    """One attempt at a working room in place of `lost`: the room already
    made again by someone else, `lost` itself if it still exists (only this
    link was cut), or a new one. Raises JanusError if no server answers."""
    current = await media.sfu_room_known(code=code)
    if current is not None and current != lost:
        return current
    if lost is not None:
        if await sfu_room_alive(lost):
            return lost
        await media.sfu_room_forget(code=code, room=lost)
    return await media.sfu_room_ensure(code=code, publishers=publishers, ttl=ttl)


Check = Callable[[], Awaitable[bool]]
Announce = Callable[[SfuRoom], Awaitable[None]]


async def sfu_room_recover(*, code: str, lost: SfuRoom | None, publishers: int, ttl: int, wanted: Check,
                           announce: Announce) -> SfuRoom | None:
    """Wait for a media server, make the room again and announce it (see the
    module's docstring). Returns the room, or None if another task is
    already recovering this room or the room no longer wants video."""
    lock = LOCK_KEY.format(code=code)
    if not await cache.aadd(lock, True, timeout=LOCK_SECONDS):
        return None
    try:
        wait = FIRST_WAIT
        while await wanted():
            try:
                room = await sfu_room_replace(code=code, lost=lost, publishers=publishers, ttl=ttl)
            except JanusError as error:
                logger.info("media server still unavailable: %s", type(error).__name__)
                await cache.atouch(lock, LOCK_SECONDS)
                await asyncio.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                continue
            if not await wanted():  # ended (or emptied) meanwhile: leave nothing behind on Janus
                await media.sfu_room_destroy(code=code)
                return None
            await announce(room)
            return room
        return None
    finally:
        await cache.adelete(lock)


def sfu_room_recover_soon(**arguments) -> asyncio.Task:
    """Start `sfu_room_recover` apart from the socket that noticed the loss:
    it carries on if that person leaves."""
    task = asyncio.ensure_future(_recover_logged(**arguments))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task


async def _recover_logged(**arguments) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        try:
            await sfu_room_recover(**arguments)
        except Exception as error:  # noqa: BLE001 - a background task has nobody to raise to
            logger.error("media room recovery failed: %s", type(error).__name__)
