"""The rooms' media through Janus (VideoRoom), with the app as gatekeeper.

A live room gets one Janus room, on the least-loaded of `JANUS_URLS`, made
with a random id, a secret and a pin that stay on the server, `record: false`
and `lock_record: true` (so nobody can switch recording on), and destroyed
when the room ends. Where it lives is kept in the cache (never the
database) until then.

Each admitted room socket has one `MediaLink`: its own Janus session, joined
to the room as a participant named only by their presence code, with a
handle to publish (if they may) and one multistream handle to receive. The
consumer passes the browser's JSEP and candidates through it after its own
checks; Janus's events come back through `notify`. Closing the link destroys
the Janus session, which hangs up both handles at once.
"""

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache

from rooms.janus import NO_SUCH_FEED, NO_SUCH_ROOM, JanusError, JanusSession, JanusUnavailable

logger = logging.getLogger(__name__)
CACHE_KEY = "rooms:sfu:{code}"


def sfu_configured() -> bool:
    return bool(settings.JANUS_URLS)


@dataclass(frozen=True)
class SfuRoom:
    url: str
    room: int
    secret: str
    pin: str


async def admin_session(url: str) -> tuple[JanusSession, int]:
    session = await JanusSession.open(url, settings.JANUS_API_SECRET)
    try:
        return session, await session.attach()
    except BaseException:
        await session.close()
        raise


async def janus_load(url: str) -> int:
    """How many people the Janus server at `url` carries now (its rooms'
    participants), for placing new rooms."""
    session, handle = await admin_session(url)
    try:
        rooms = (await session.request(handle, {"request": "list", "admin_key": settings.JANUS_ADMIN_KEY}))["list"]
        return sum(room.get("num_participants", 0) + 1 for room in rooms)
    finally:
        await session.close()


async def least_loaded_url(urls: list[str]) -> str:
    """The reachable Janus server with the least load (the first on a tie)."""
    loads = await asyncio.gather(*(janus_load(url) for url in urls), return_exceptions=True)
    reachable = [(load, index) for index, load in enumerate(loads) if isinstance(load, int)]
    if not reachable:
        raise JanusUnavailable("no media server reachable")
    return urls[min(reachable)[1]]


async def sfu_room_create(*, url: str, publishers: int) -> SfuRoom:
    session, handle = await admin_session(url)
    try:
        while True:
            room = SfuRoom(url=url, room=secrets.randbelow(2**52) + 1, secret=secrets.token_urlsafe(24),
                           pin=secrets.token_urlsafe(24))
            try:
                await session.request(handle, {
                    "request": "create", "admin_key": settings.JANUS_ADMIN_KEY, "room": room.room,
                    "secret": room.secret, "pin": room.pin, "is_private": True, "permanent": False,
                    "record": False, "lock_record": True, "require_pvtid": True,
                    "publishers": max(1, publishers), "notify_joining": False,
                    "audiocodec": "opus", "videocodec": "vp8",
                })
                return room
            except JanusError as error:
                if error.code != 427:  # the random id is taken: draw again
                    raise
    finally:
        await session.close()


async def sfu_room_known(*, code: str) -> SfuRoom | None:
    """Where the session's Janus room lives now, if it has one."""
    known = await cache.aget(CACHE_KEY.format(code=code))
    return SfuRoom(**known) if known else None


async def sfu_room_ensure(*, code: str, publishers: int, ttl: int) -> SfuRoom:
    """The session's Janus room, made on first use (when the live room opens
    and the first person is let in) and kept where it was placed."""
    key = CACHE_KEY.format(code=code)
    known = await cache.aget(key)
    if known:
        return SfuRoom(**known)
    url = await least_loaded_url(list(settings.JANUS_URLS))
    room = await sfu_room_create(url=url, publishers=publishers)
    if not await cache.aadd(key, asdict(room), timeout=ttl):  # someone else made it first
        await _destroy(room)
        return SfuRoom(**(await cache.aget(key)))
    return room


async def sfu_room_forget(*, code: str, room: SfuRoom) -> None:
    """Janus lost the room (it restarted, or cannot be reached): forget it,
    so the next join makes a new one (rooms.failover)."""
    key = CACHE_KEY.format(code=code)
    if await cache.aget(key) == asdict(room):
        await cache.adelete(key)


async def _destroy(room: SfuRoom) -> None:
    session, handle = await admin_session(room.url)
    try:
        await session.request(handle, {"request": "destroy", "room": room.room, "secret": room.secret})
    except JanusError as error:
        if error.code != NO_SUCH_ROOM:
            raise
    finally:
        await session.close()


async def sfu_room_destroy(*, code: str) -> None:
    """When the room ends: every participant's media stops at once."""
    key = CACHE_KEY.format(code=code)
    known = await cache.aget(key)
    if not known:
        return
    await cache.adelete(key)
    with contextlib.suppress(JanusError):
        await _destroy(SfuRoom(**known))


async def sfu_kick(*, code: str, participant: str) -> int:
    """Kick every Janus participant of this person (sent to the lobby,
    removed): independent of their own socket, so their media stops even if
    that socket's process is slow. Returns how many were kicked."""
    known = await cache.aget(CACHE_KEY.format(code=code))
    if not known:
        return 0
    room = SfuRoom(**known)
    session, handle = await admin_session(room.url)
    kicked = 0
    try:
        listed = await session.request(handle, {"request": "listparticipants", "room": room.room})
        for entry in listed.get("participants", []):
            if entry.get("display") == participant:
                with contextlib.suppress(JanusError):
                    await session.request(handle, {"request": "kick", "room": room.room, "secret": room.secret,
                                                   "id": entry["id"]})
                    kicked += 1
    except JanusError:
        pass
    finally:
        await session.close()
    return kicked


SENDING = re.compile(r"^a=(sendrecv|sendonly)\s*$", re.MULTILINE)


def sdp_sends(sdp: str) -> bool:
    """Whether a session description offers to send media."""
    return bool(SENDING.search(sdp))


def streams_of(data: dict) -> list[dict]:
    """Which feed each m-line of Janus's offer carries: {mid, feed, participant, kind}."""
    return [
        {"mid": stream.get("mid"), "feed": stream.get("feed_id"), "participant": stream.get("feed_display"),
         "kind": stream.get("type")}
        for stream in data.get("streams", []) if stream.get("feed_id") and stream.get("active", True)
    ]


class MediaError(Exception):
    """A request the link refuses (out of order, not allowed): `code` for the client."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


Notify = Callable[[dict], Awaitable[None]]


class MediaLink:
    """One room socket's media through Janus (see the module's docstring)."""

    def __init__(self, room: SfuRoom, participant: str, notify: Notify):
        self.room = room
        self.participant = participant
        self.notify = notify
        self.session: JanusSession | None = None
        self.publisher: int | None = None
        self.subscriber: int | None = None
        self.private_id: int | None = None
        self.feed: int | None = None  # this person's own Janus id
        self.publishing = False
        self.feeds: dict[int, str] = {}  # publisher id -> participant code, as Janus announced them
        self.subscribed: set[int] = set()
        self.offer_pending = False  # Janus sent an offer the browser has not answered yet
        self.video_mids: set[str] = set()  # the receiving connection's video m-lines
        self.quality = "high"
        self.pump: asyncio.Task | None = None
        self.lock = asyncio.Lock()  # one request to Janus at a time, in order

    async def join(self) -> list[dict]:
        """Join the Janus room (as a participant who may later publish);
        returns the feeds being published now."""
        async with self.lock:
            if self.session is not None:
                raise MediaError("invalid", "Already joined.")
            self.session = await JanusSession.open(self.room.url, settings.JANUS_API_SECRET)
            self.pump = asyncio.ensure_future(self._pump())
            self.publisher = await self.session.attach()
            reply = await self.session.message(self.publisher, {
                "request": "join", "ptype": "publisher", "room": self.room.room, "pin": self.room.pin,
                "display": self.participant,
            })
            self.feed = reply.data["id"]
            self.private_id = reply.data.get("private_id")
            self._learn(reply.data.get("publishers", []))
            return self.feed_list()

    @property
    def alive(self) -> bool:
        return self.session is not None and not self.session.closed

    def feed_list(self) -> list[dict]:
        return [{"feed": feed, "participant": who} for feed, who in self.feeds.items()]

    def _learn(self, publishers: list[dict]) -> list[dict]:
        new = []
        for publisher in publishers:
            feed, who = publisher.get("id"), publisher.get("display")
            if isinstance(feed, int) and isinstance(who, str) and feed != self.feed:
                if feed not in self.feeds:
                    new.append({"feed": feed, "participant": who})
                self.feeds[feed] = who
        return new

    def _require_joined(self):
        if self.session is None or self.publisher is None or self.session.closed:
            raise MediaError("invalid", "Join the video first.")

    async def publish(self, jsep: dict) -> dict:
        """Send this person's offer to Janus; returns Janus's answer."""
        async with self.lock:
            self._require_joined()
            if jsep.get("type") != "offer":
                raise MediaError("invalid", "Publishing needs an offer.")
            # A second offer renegotiates (an ICE restart after a network change).
            request = "configure" if self.publishing else "publish"
            reply = await self.session.message(self.publisher, {"request": request}, jsep)
            if reply.jsep is None:
                raise MediaError("invalid", "The media server did not answer the offer.")
            self.publishing = True
            return reply.jsep

    async def unpublish(self) -> None:
        async with self.lock:
            if self.session is None or not self.publishing:
                return
            self.publishing = False
            with contextlib.suppress(JanusError):
                await self.session.message(self.publisher, {"request": "unpublish"})

    async def subscribe(self, feeds: list[int]) -> dict | None:
        """Receive these feeds: Janus's (re)offer for the one receiving
        connection ({jsep, streams}), or None if there is nothing new."""
        async with self.lock:
            self._require_joined()
            unknown = [feed for feed in feeds if feed not in self.feeds]
            if unknown:
                raise MediaError("invalid", "No such video.")
            wanted = [feed for feed in feeds if feed not in self.subscribed]
            if not wanted:
                return None
            # A phone's low layer from the first packet: no switch after
            # `start` (a switch waits for a key frame of the new layer).
            target = {"substream": 0} if self.quality == "low" else {}
            streams = [{"feed": feed, **target} for feed in wanted]
            try:
                return await self._subscribe(wanted, streams)
            except JanusError as error:
                if error.code != NO_SUCH_FEED:
                    raise
                for feed in wanted:  # gone meanwhile: its "unpublished" event is on its way
                    self.feeds.pop(feed, None)
                return None

    async def receive_all(self, quality: str) -> dict | None:
        """Right after joining: receive every feed published now, at
        `quality` (see `set_quality`), in the same exchange as the join, so
        the browser need not ask. Janus's offer ({jsep, streams}), or None
        if nobody publishes. Feeds that appear later come by `subscribe`."""
        self.quality = quality  # applied when the browser answers (`start`)
        feeds = list(self.feeds)
        return await self.subscribe(feeds) if feeds else None

    async def _subscribe(self, wanted: list[int], streams: list[dict]) -> dict | None:
        if self.subscriber is None:
            handle = await self.session.attach()
            try:
                reply = await self.session.message(handle, {
                    "request": "join", "ptype": "subscriber", "room": self.room.room, "pin": self.room.pin,
                    "private_id": self.private_id, "streams": streams,
                })
            except JanusError:
                with contextlib.suppress(JanusError):
                    await self.session.detach(handle)
                raise
            self.subscriber = handle
        else:
            reply = await self.session.message(self.subscriber, {"request": "subscribe", "streams": streams})
        self.subscribed.update(wanted)
        if reply.jsep is None:
            return None
        self.offer_pending = True
        return {"jsep": reply.jsep, "streams": self._streams(reply.data)}

    def _streams(self, data: dict) -> list[dict]:
        streams = streams_of(data)
        self.video_mids = {stream["mid"] for stream in streams if stream["kind"] == "video"}
        return streams

    async def restart(self) -> dict | None:
        """An ICE restart of the receiving connection (the network changed):
        Janus's fresh offer ({jsep, streams}), to be answered as any other."""
        async with self.lock:
            self._require_joined()
            if self.subscriber is None or self.offer_pending:
                raise MediaError("invalid", "There is nothing to restart.")
            reply = await self.session.message(self.subscriber, {"request": "configure", "restart": True})
            if reply.jsep is None:
                return None
            self.offer_pending = True
            return {"jsep": reply.jsep, "streams": self._streams(reply.data) if reply.data.get("streams") else []}

    async def set_quality(self, quality: str) -> None:
        """What this person receives: "high" (the best simulcast layer),
        "low" (the lowest: phones, weak connections) or "audio" (no video
        at all). Janus stops forwarding what is not wanted."""
        async with self.lock:
            self._require_joined()
            self.quality = quality
            await self._apply_quality()

    async def _apply_quality(self) -> None:
        if self.subscriber is None or not self.video_mids:
            return
        streams = [{"mid": mid, "send": self.quality != "audio",
                    **({"substream": 0 if self.quality == "low" else 2} if self.quality != "audio" else {})}
                   for mid in sorted(self.video_mids)]
        await self.session.message(self.subscriber, {"request": "configure", "streams": streams})

    async def start(self, jsep: dict) -> None:
        """The browser's answer to Janus's offer: receive only."""
        async with self.lock:
            self._require_joined()
            if self.subscriber is None or not self.offer_pending:
                raise MediaError("invalid", "There is no offer to answer.")
            if jsep.get("type") != "answer":
                raise MediaError("invalid", "Expected an answer.")
            if sdp_sends(jsep.get("sdp", "")):
                raise MediaError("forbidden", "Receiving video cannot send media.")
            self.offer_pending = False
            await self.session.message(self.subscriber, {"request": "start"}, jsep)
            if self.quality == "audio":  # new m-lines send no video either ("low" was asked for on subscribing)
                with contextlib.suppress(JanusError):
                    await self._apply_quality()

    async def trickle(self, target: str, candidate: dict | None) -> None:
        self._require_joined()
        handle = self.publisher if target == "publisher" else self.subscriber
        if handle is None or (target == "publisher" and not self.publishing and self.session is None):
            raise MediaError("invalid", "Nothing to send candidates to.")
        await self.session.trickle(handle, candidate)

    async def _pump(self):
        """Janus's events for this link, turned into small messages for the browser."""
        session = self.session
        while True:
            event = await session.events.get()
            kind = event.get("janus")
            if kind == "closed":
                await self.notify({"type": "video_lost"})
                return
            sender = event.get("sender")
            data = event.get("plugindata", {}).get("data", {})
            if kind == "event" and sender == self.publisher:
                new = self._learn(data.get("publishers", []))
                if new:
                    await self.notify({"type": "video_feeds", "feeds": new})
                gone = data.get("unpublished") or data.get("leaving")
                if isinstance(gone, int) and gone in self.feeds:
                    self.feeds.pop(gone, None)
                    self.subscribed.discard(gone)
                    await self.notify({"type": "video_feed_gone", "feed": gone})
                if data.get("leaving") == "ok" or data.get("videoroom") == "destroyed":
                    await self.notify({"type": "video_stopped"})
            elif kind == "event" and sender == self.subscriber and event.get("jsep"):
                self.offer_pending = True
                await self.notify({"type": "video_offer", "jsep": event["jsep"], "streams": self._streams(data)})
            elif kind == "hangup":
                await self.notify({"type": "video_hangup",
                                   "target": "publisher" if sender == self.publisher else "subscriber"})

    async def close(self) -> None:
        if self.pump is not None:
            self.pump.cancel()
        if self.session is not None:
            await self.session.close()
        self.session = None
        self.publisher = self.subscriber = None
        self.publishing = False
        self.feeds.clear()
        self.subscribed.clear()
