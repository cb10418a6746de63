"""A small async client of the Janus WebRTC server's WebSocket API
(`janus-protocol`): one Janus session per `JanusSession`, its plugin handles,
requests matched to replies by transaction, and everything else (plugin
events without a transaction, `webrtcup`, `hangup`, `media`, ...) queued on
`events`. Only the server speaks to Janus; browsers never see this API, its
secret, the admin key or a room's secret."""

import asyncio
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import websockets

logger = logging.getLogger(__name__)
# The websockets library logs every frame at DEBUG: frames to Janus carry SDP
# and candidates, which never go in a log (docs/rooms.md).
frames_logger = logging.getLogger("rooms.janus.frames")
frames_logger.setLevel(logging.INFO)
VIDEOROOM = "janus.plugin.videoroom"
TIMEOUT = 5.0  # seconds for Janus to answer one request
KEEPALIVE = 25.0  # Janus's session_timeout is 60 s


class JanusError(Exception):
    """Janus or its VideoRoom plugin refused a request (`code` as Janus gives it)."""

    def __init__(self, code: int, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class JanusUnavailable(JanusError):
    """Janus cannot be reached, or stopped answering."""

    def __init__(self, reason: str = "unreachable"):
        super().__init__(0, reason)


# VideoRoom error codes the app handles (janus_videoroom.c).
NO_SUCH_ROOM = 426
ROOM_EXISTS = 427
NO_SUCH_FEED = 428
UNAUTHORIZED = 433


@dataclass(frozen=True)
class Reply:
    data: dict  # the plugin's answer (plugindata.data), or Janus's own reply
    jsep: dict | None = None


class JanusSession:
    def __init__(self, url: str, api_secret: str = ""):
        self.url = url
        self.api_secret = api_secret
        self.socket: Any = None
        self.session_id: int | None = None
        self.pending: dict[str, tuple[asyncio.Future, bool]] = {}
        self.events: asyncio.Queue[dict] = asyncio.Queue()
        self.tasks: list[asyncio.Task] = []
        self.closed = False

    @classmethod
    async def open(cls, url: str, api_secret: str = "") -> "JanusSession":
        session = cls(url, api_secret)
        try:
            session.socket = await asyncio.wait_for(
                websockets.connect(url, subprotocols=["janus-protocol"], max_size=2**20, open_timeout=TIMEOUT,
                                   close_timeout=1, logger=frames_logger),
                TIMEOUT)
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            raise JanusUnavailable(type(error).__name__) from None
        session.tasks.append(asyncio.ensure_future(session._read()))
        try:
            reply = await session._send({"janus": "create"})
        except BaseException:
            await session.close()
            raise
        session.session_id = reply.data["id"]
        session.tasks.append(asyncio.ensure_future(session._keepalive()))
        return session

    async def _read(self):
        try:
            async for raw in self.socket:
                message = json.loads(raw)
                waiter = self.pending.get(message.get("transaction", ""))
                if waiter is not None:
                    future, wants_event = waiter
                    if message.get("janus") == "ack" and wants_event:
                        continue  # an asynchronous request: its event follows
                    self.pending.pop(message["transaction"], None)
                    if not future.done():
                        future.set_result(message)
                    continue
                await self.events.put(message)
        except (websockets.WebSocketException, OSError, ValueError) as error:
            logger.info("janus connection lost: %s", type(error).__name__)
        finally:
            self.closed = True
            for future, _ in self.pending.values():
                if not future.done():
                    future.set_exception(JanusUnavailable("connection lost"))
            self.pending.clear()
            await self.events.put({"janus": "closed"})

    async def _keepalive(self):
        while not self.closed:
            await asyncio.sleep(KEEPALIVE)
            try:
                await self._send({"janus": "keepalive"})
            except JanusError as error:
                # Janus stopped answering (hung, or the network between us
                # broke without closing the socket) or forgot this session:
                # lost either way, so say so as a closed socket would.
                logger.info("janus session lost: %s", error.code)
                self.tasks[0].cancel()  # the reader: its `finally` queues "closed"
                return

    async def _send(self, message: dict, *, handle: int | None = None, wants_event: bool = False) -> Reply:
        if self.closed or self.socket is None:
            raise JanusUnavailable("connection closed")
        transaction = secrets.token_hex(8)
        message = {**message, "transaction": transaction}
        if self.api_secret:
            message["apisecret"] = self.api_secret
        if self.session_id is not None:
            message["session_id"] = self.session_id
        if handle is not None:
            message["handle_id"] = handle
        future = asyncio.get_running_loop().create_future()
        self.pending[transaction] = (future, wants_event)
        try:
            await self.socket.send(json.dumps(message))
            reply = await asyncio.wait_for(future, TIMEOUT)
        except (TimeoutError, websockets.WebSocketException, OSError):
            self.pending.pop(transaction, None)
            raise JanusUnavailable("no answer") from None
        if reply.get("janus") == "error":
            error = reply.get("error", {})
            raise JanusError(error.get("code", 0), error.get("reason", "error"))
        plugin = reply.get("plugindata", {}).get("data")
        if plugin is not None:
            if plugin.get("error_code") or plugin.get("error"):
                raise JanusError(plugin.get("error_code", 0), plugin.get("error", "error"))
            return Reply(plugin, reply.get("jsep"))
        return Reply(reply.get("data", reply), reply.get("jsep"))

    async def attach(self, plugin: str = VIDEOROOM) -> int:
        reply = await self._send({"janus": "attach", "plugin": plugin})
        return reply.data["id"]

    async def request(self, handle: int, body: dict) -> dict:
        """A synchronous plugin request (create, destroy, list, kick, ...)."""
        return (await self._send({"janus": "message", "body": body}, handle=handle)).data

    async def message(self, handle: int, body: dict, jsep: dict | None = None) -> Reply:
        """An asynchronous plugin request (join, publish, configure, start,
        subscribe, ...): waits for its event."""
        message: dict = {"janus": "message", "body": body}
        if jsep is not None:
            message["jsep"] = jsep
        return await self._send(message, handle=handle, wants_event=True)

    async def trickle(self, handle: int, candidate: dict | None) -> None:
        await self._send({"janus": "trickle", "candidate": candidate or {"completed": True}}, handle=handle)

    async def hangup(self, handle: int) -> None:
        await self._send({"janus": "hangup"}, handle=handle)

    async def detach(self, handle: int) -> None:
        await self._send({"janus": "detach"}, handle=handle)

    async def close(self) -> None:
        """Destroy the Janus session (every handle hangs up at once) and close."""
        if self.session_id is not None and not self.closed:
            with contextlib.suppress(JanusError):
                await self._send({"janus": "destroy"})
        for task in self.tasks:
            task.cancel()
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
        self.closed = True


async def server_info(url: str, api_secret: str = "") -> dict:
    """Janus's `info` answer: whether it is up (raises JanusUnavailable if not)."""
    session = JanusSession(url, api_secret)
    try:
        session.socket = await asyncio.wait_for(
            websockets.connect(url, subprotocols=["janus-protocol"], open_timeout=TIMEOUT, close_timeout=1,
                               logger=frames_logger),
            TIMEOUT)
    except (OSError, TimeoutError, websockets.WebSocketException) as error:
        raise JanusUnavailable(type(error).__name__) from None
    session.tasks.append(asyncio.ensure_future(session._read()))
    try:
        return (await session._send({"janus": "info"})).data
    finally:
        await session.close()
