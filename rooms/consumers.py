"""The live room's WebSocket: authorise in `connect`, validate every message
with `rooms.protocol`, and relay. Chat and media signalling pass through the
channel layer only; nothing here stores or logs what anyone says."""

import asyncio
import functools
import logging
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async as db
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.http import Http404
from django.utils import timezone

from accounts.mfa import mfa_setup_needed
from accounts.middleware import (
    session_seconds_left,
    session_store_expiry,
    stored_session_time_left,
    stored_session_touch,
)
from accounts.models import User
from accounts.services import (
    ACCESS_CHANGED,
    SIGNED_OUT,
    room_channel_group,
    session_fingerprint,
    user_channel_group,
)
from core.codes import is_public_code
from groups.access import get_session_for_user
from rooms import alerts, failover, media, protocol, selectors, services, turn
from rooms.dispatch import dispatch_in_turn
from rooms.janus import JanusError
from rooms.media import MediaError, MediaLink, SfuRoom
from rooms.models import Presence
from rooms.protocol import ProtocolError

logger = logging.getLogger(__name__)
ADMITTED = Presence.State.ADMITTED


def _find_session(user, code: str):
    if not is_public_code(code):
        return None
    try:
        session, _ = get_session_for_user(user, code)
    except Http404:
        return None
    return session


def _join(user, sign_in, code: str, channel_name: str):
    """What a new connection needs from the database before it is accepted,
    in one thread hop (bench S3: six hops made a join storm queue on the
    single database thread): (close code or None, session, presence_connect's
    result, the video mode). The sign-in obeys the pages' rules
    first: two-factor set up where required, and not past its time limits."""
    if mfa_setup_needed(user, sign_in) or session_store_expiry(sign_in):
        return protocol.CLOSE_ANONYMOUS, None, None, selectors.VideoMode.OFF
    session = _find_session(user, code)
    if session is None:
        return protocol.CLOSE_UNKNOWN, None, None, selectors.VideoMode.OFF
    result = services.presence_connect(session=session, user=user, channel_name=channel_name)
    if result.refused:
        return result.refused, session, result, selectors.VideoMode.OFF
    return None, session, result, selectors.video_mode(session)


def _stay_refusal(user_id: int, code: str) -> tuple[int | None, object]:
    """After a change that may have taken away this person's right to the
    room: (close code or None, the session as it now is). The person is read
    afresh, so roles and deactivation are current too."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    session = _find_session(user, code) if user else None
    if session is None:
        return protocol.CLOSE_UNKNOWN, None
    return selectors.stay_refusal(user, session), session


def _arrival(room, presence_pk: int, announce: bool) -> tuple[Presence, dict, dict | None]:
    """The room as this person now sees it, and the entry that announces them
    to the others (if `announce`, or if they are in): one thread hop."""
    presence = Presence.objects.select_related("user").get(pk=presence_pk)
    snapshot = selectors.room_snapshot(room, presence)
    entry = selectors.participant_summary(presence) if announce or presence.state == ADMITTED else None
    return presence, snapshot, entry


class RoomConsumer(AsyncJsonWebsocketConsumer):
    joined = False  # true once let in: refused sockets have no room state
    closer = None  # closes the socket when the session ends
    watcher = None  # closes it when the sign-in runs out
    active_at = float("-inf")  # when this socket last recorded activity on the sign-in
    media = None  # this socket's MediaLink to Janus, once it joined the video
    layout = "circle"
    mode = "off"  # rooms.selectors.VideoMode

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            return await self._refuse(protocol.CLOSE_ANONYMOUS)
        refused, session, result, self.mode = await db(_join)(
            user, self.scope["session"], self.scope["url_route"]["kwargs"]["code"], self.channel_name)
        if refused:
            return await self._refuse(refused)
        self.video = self.mode in (selectors.VideoMode.SFU, selectors.VideoMode.MESH)
        self.session, self.room, self.presence = session, result.room, result.presence
        self.peer = result.connection.peer
        self.is_facilitator = self.presence.is_facilitator
        self.state = self.presence.state
        self.buckets = protocol.new_buckets(time.monotonic())
        base = room_channel_group(session.code)
        self.groups_of = {
            "all": base,  # everyone connected, lobby included
            "admitted": f"{base}.in",
            "facilitators": f"{base}.facilitators",
            "person": f"{base}.person.{self.presence.code}",  # every tab of one person
            "user": user_channel_group(user.pk),  # closed when the person's access ends
        }
        groups = [self.groups_of[name] for name in ("all", "person", "user")] + [self._peer_group(self.peer)]
        if self.is_facilitator:
            groups.append(self.groups_of["facilitators"])
        if self.state == ADMITTED:
            groups.append(self.groups_of["admitted"])
        await asyncio.gather(*(self.channel_layer.group_add(group, self.channel_name) for group in groups))
        self.joined = True
        self.closer = asyncio.ensure_future(self._close_at_end())
        self.watcher = asyncio.ensure_future(self._close_at_sign_in_end())
        await self.accept()
        entry = await self._send_snapshot()  # after joining the groups, so no change between is missed
        if entry is not None:
            await self._group("admitted", "room.participant", participant=entry)
        elif result.first_connection:
            await self._announce_lobby()

    async def _refuse(self, code: int):
        # Accept, then close: a close before accepting reaches browsers as a
        # bare handshake failure, without the code that explains it.
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code):
        if not self.joined:
            return
        self.joined = False
        self.closer.cancel()
        self.watcher.cancel()
        await self._media_close()
        for name in self.groups_of.values():
            await self.channel_layer.group_discard(name, self.channel_name)
        await self.channel_layer.group_discard(self._peer_group(self.peer), self.channel_name)
        left = await db(services.presence_disconnect)(channel_name=self.channel_name)
        if self.state == ADMITTED:
            await self._group("admitted", "room.peer_left", peer=self.peer, participant=self.presence.code)
            if left:
                await self._group("admitted", "room.participant_left", participant=self.presence.code)
                await self._announce_hands()
            else:
                await self._announce_participant(self.presence)
        elif left:
            await self._announce_lobby()

    async def _close_at_end(self):
        await asyncio.sleep(max(0.0, (self.session.ends_at - timezone.now()).total_seconds()))
        await self._media_close()
        if self.mode == selectors.VideoMode.SFU:
            await self._sfu_destroy()
        await alerts.support_alerts_clear(code=self.session.code)
        await self._end(protocol.CLOSE_NOT_OPEN, {"type": "ended"})

    async def _close_at_sign_in_end(self):
        """Close when the sign-in reaches its idle or absolute limit, as a page
        would sign the person out, without waiting for a page request. Pings
        are not activity; activity anywhere (a page, "Stay signed in", a
        person acting in this room) moves the limit, so wake and re-read."""
        key = self.scope["session"].session_key or ""
        left = session_seconds_left(self.scope["session"])  # as read on connecting
        while left:
            await asyncio.sleep(left + 0.5)
            left = await db(stored_session_time_left)(key)
        await self._end(protocol.CLOSE_ANONYMOUS, {"type": "signed_out"})

    async def _end(self, code: int, message: dict | None = None):
        """Close from the server's side. From a timer the client may already
        be gone (its disconnect not yet handled): then there is nothing to
        close, and nothing to report."""
        try:
            if message:
                await self.send_json(message)
            await self.close(code=code)
        except Exception as error:  # noqa: BLE001 - e.g. uvicorn's ClientDisconnected
            logger.debug("room socket already gone when closing: %s", type(error).__name__)

    async def _note_activity(self):
        """A person acting in the room keeps their sign-in alive, as a page
        request does (recorded at most once a minute); the page's idle warning
        hears the new limit."""
        now = time.monotonic()
        if now - self.active_at < 60:
            return
        self.active_at = now
        left = await db(stored_session_touch)(self.scope["session"].session_key or "")
        await self.send_json({"type": "session", "seconds_left": int(left)})

    async def __call__(self, scope, receive, send):
        """As Channels' own (`AsyncConsumer.__call__`), with what arrives
        handled by `rooms.dispatch.dispatch_in_turn`."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
        self.base_send = send
        try:
            await dispatch_in_turn([receive, self.channel_receive], self.dispatch)
        except StopConsumer:
            pass

    async def dispatch(self, message):
        """As Channels' own, without its hop to the database thread before
        every handler to close stale connections (`aclose_old_connections`):
        in a room of 100 that hop ran for every chat message for every person
        (bench S2), queued on the one database thread. Every database call
        here goes through `db` (database_sync_to_async), which closes stale
        connections itself, before and after."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- incoming --------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        if not self.joined:
            return  # a refused socket, closing
        try:
            message = protocol.parse(text_data, is_facilitator=self.is_facilitator)
            spec = protocol.TYPES[message["type"]]
            if not self.buckets[spec.bucket].take(time.monotonic()):
                raise ProtocolError("rate_limited", "Too many messages: wait a moment and try again.")
            await getattr(self, f"on_{message['type']}")(message)
            if spec.activity:
                await self._note_activity()
        except (ProtocolError, MediaError) as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})
        except Exception as error:  # noqa: BLE001 - one bad message must never drop the room
            # Only the exception's class: its text or traceback could quote chat.
            logger.error("room message failed: %s", type(error).__name__)
            await self.send_json({"type": "error", "code": "server_error", "message": "Something went wrong."})

    def _require_admitted(self):
        if self.state != ADMITTED:
            raise ProtocolError("not_admitted", "You are waiting in the lobby.")

    async def on_ping(self, message):
        await db(services.connection_seen)(channel_name=self.channel_name)
        await self.send_json({"type": "pong"})

    async def on_chat(self, message):
        self._require_admitted()
        # Encoded once here, not once per person in the room (bench S2): every
        # recipient sends the same frame as it is.
        frame = await self.encode_json({
            "type": "chat", "participant": self.presence.code, "name": selectors.display_name(self.scope["user"]),
            "text": message["text"], "at": timezone.now().isoformat(),
        })
        await self._group("admitted", "room.chat", frame=frame)

    async def on_hand(self, message):
        self._require_admitted()
        await db(services.hand_set)(presence=self.presence, raised=message["raised"])
        await self._announce_hands()

    def _alerts_ttl(self) -> int:
        return int((self.session.ends_at - timezone.now()).total_seconds()) + 600

    async def on_support(self, message):
        entry = await alerts.support_alert_add(code=self.session.code, participant=self.presence.code,
                                               name=selectors.display_name(self.scope["user"]),
                                               at=timezone.now().isoformat(), ttl=self._alerts_ttl())
        await self._group("facilitators", "room.support", **entry)
        # Whether anyone was there to be told: the person's page says so honestly.
        await self.send_json({"type": "support_sent",
                              "delivered": await db(selectors.facilitator_online)(self.room)})

    async def on_media(self, message):
        self._require_admitted()
        await self._group("admitted", "room.media", participant=self.presence.code,
                          audio=message["audio"], video=message["video"])

    async def on_signal(self, message):
        self._require_admitted()
        if not self.video:
            raise ProtocolError("no_video", "This room has no audio or video.")
        await self.channel_layer.group_send(self._peer_group(message["to"]), {
            "type": "room.signal", "from_peer": self.peer, "participant": self.presence.code,
            "kind": message["kind"], "data": message["data"],
        })

    # --- video through the media server (rooms.media) ----------------------------
    def _require_sfu(self):
        self._require_admitted()
        if self.mode != selectors.VideoMode.SFU:
            raise ProtocolError("no_video", "This room has no video through the media server.")

    def _require_link(self) -> MediaLink:
        self._require_sfu()
        if self.media is None:
            raise ProtocolError("invalid", "Join the video first.")
        return self.media

    async def on_ice(self, message):
        self._require_admitted()
        if not self.video:
            raise ProtocolError("no_video", "This room has no audio or video.")
        await self._send_ice()

    async def _send_ice(self):
        servers, expires = turn.ice_servers()
        await self.send_json({"type": "ice", "servers": servers, "expires": expires})

    async def on_video_join(self, message):
        self._require_sfu()
        await self._media_close()  # joining again (after the media server came back) starts afresh
        room = None
        try:
            room = await media.sfu_room_ensure(code=self.session.code, publishers=self.session.effective_capacity,
                                               ttl=self._sfu_ttl())
            link = MediaLink(room, self.presence.code, self._media_event)
            self.media = link
            feeds = await link.join()
        except JanusError as error:
            # Janus restarted (the room is gone) or cannot be reached: the room
            # is made again, here or on another server, and everyone is told
            # to re-attach (rooms.failover).
            await self._media_close()
            logger.warning("media server unavailable: %s", type(error).__name__)
            self._sfu_recover(room)
            await self.send_json({"type": "video_unavailable"})
            return
        if self.state != ADMITTED:  # sent to the lobby while joining
            return await self._media_close()
        await self.send_json({"type": "video_joined", "feeds": feeds,
                              "may_publish": selectors.may_publish(self.presence, self.layout)})
        if "receive" in message:  # everyone publishing now, without the page asking (bench S7)
            offer = await self._janus(link.receive_all(message["receive"]))
            if offer is not None and self.media is link and self.state == ADMITTED:
                await self.send_json({"type": "video_offer", **offer})

    def _sfu_ttl(self) -> int:
        return max(int((self.session.ends_at - timezone.now()).total_seconds()) + 3600, 60)

    def _sfu_recover(self, lost: SfuRoom | None):
        """Start (or leave to the one already running) the room's recovery."""
        failover.sfu_room_recover_soon(
            code=self.session.code, lost=lost, publishers=self.session.effective_capacity, ttl=self._sfu_ttl(),
            wanted=functools.partial(db(selectors.room_wants_video), self.session.pk),
            announce=self._announce_video_room)

    async def _announce_video_room(self, room: SfuRoom):
        await self._group("admitted", "room.video_room", placement=failover.placement(room))

    async def on_video_publish(self, message):
        link = self._require_link()
        self.presence = await db(Presence.objects.get)(pk=self.presence.pk)
        if not selectors.may_publish(self.presence, self.layout):
            raise ProtocolError("forbidden", "Only people on the stage can send audio and video.")
        jsep = await self._janus(link.publish(message["jsep"]))
        await self.send_json({"type": "video_answer", "jsep": jsep})

    async def on_video_unpublish(self, message):
        await self._require_link().unpublish()

    async def on_video_subscribe(self, message):
        link = self._require_link()
        offer = await self._janus(link.subscribe(message["feeds"]))
        if offer is not None:
            await self.send_json({"type": "video_offer", **offer})

    async def on_video_answer(self, message):
        await self._janus(self._require_link().start(message["jsep"]))

    async def on_video_restart(self, message):
        offer = await self._janus(self._require_link().restart())
        if offer is not None:
            await self.send_json({"type": "video_offer", **offer})

    async def on_video_quality(self, message):
        await self._janus(self._require_link().set_quality(message["quality"]))

    async def on_video_candidate(self, message):
        await self._janus(self._require_link().trickle(message["target"], message["candidate"]))

    async def _janus(self, request):
        try:
            return await request
        except JanusError as error:
            logger.info("media request refused: %s", error.code)
            raise ProtocolError("video_failed", "The media server refused that. Video is reconnecting.") from None

    async def _media_event(self, event: dict):
        """An event of this socket's MediaLink, for the browser."""
        if self.state != ADMITTED:
            return
        if event["type"] == "video_lost" and self.media is not None:  # the link to Janus broke
            self._sfu_recover(self.media.room)
        try:
            await self.send_json(event)
        except Exception as error:  # noqa: BLE001 - e.g. uvicorn's ClientDisconnected: its disconnect closes the link
            logger.debug("room socket gone before a media event: %s", type(error).__name__)

    async def _media_close(self):
        link, self.media = self.media, None
        if link is not None:
            await link.close()

    async def _sfu_kick(self, participant: str):
        if self.mode == selectors.VideoMode.SFU:
            try:
                await media.sfu_kick(code=self.session.code, participant=participant)
            except JanusError as error:
                logger.info("media server kick failed: %s", type(error).__name__)

    async def _sfu_destroy(self):
        try:
            await media.sfu_room_destroy(code=self.session.code)
        except JanusError as error:
            logger.info("media server destroy failed: %s", type(error).__name__)

    async def on_stage(self, message):
        presence = await db(services.presence_set_stage)(room=self.room, code=message["participant"],
                                                         on=message["on"])
        if presence:
            await self._person(presence, "room.stage")
            await self._announce_participant(presence)
            await self._announce_hands()

    async def on_layout(self, message):
        self.room = await db(services.room_set_layout)(room=self.room, layout=message["layout"])
        await self._group("all", "room.layout", layout=message["layout"])

    async def on_admit(self, message):
        presence = await db(services.presence_admit)(room=self.room, code=message["participant"])
        if presence:
            await self._person(presence, "room.admitted")
            await self._announce_lobby()

    async def on_to_lobby(self, message):
        presence = await db(services.presence_to_lobby)(room=self.room, code=message["participant"])
        if presence:
            await self._person(presence, "room.sent_to_lobby")
            await self._sfu_kick(presence.code)
            await self._group("admitted", "room.participant_left", participant=presence.code)
            await self._announce_hands()

    async def on_remove(self, message):
        presence = await db(services.presence_remove)(room=self.room, code=message["participant"])
        if presence:
            await self._person(presence, "room.removed")
            await self._sfu_kick(presence.code)
            await self._group("admitted", "room.participant_left", participant=presence.code)
            await self._announce_hands()
            await self._announce_lobby()

    async def on_mute(self, message):
        await self.channel_layer.group_send(
            f"room.{self.session.code}.person.{message['participant']}", {"type": "room.mute"}
        )

    async def on_support_dismiss(self, message):
        """A facilitator has seen an alert and will follow it up: it goes for
        every facilitator of the room (and says who took it)."""
        if await alerts.support_alert_dismiss(code=self.session.code, participant=message["participant"],
                                              ttl=self._alerts_ttl()):
            await self._group("facilitators", "room.support_dismissed", participant=message["participant"],
                              by=selectors.display_name(self.scope["user"]))

    async def on_hands_clear(self, message):
        await db(services.hands_clear)(room=self.room)
        await self._announce_hands()

    async def on_lock(self, message):
        self.room = await db(services.room_set_locked)(room=self.room, locked=message["locked"])
        await self._announce_settings()

    async def on_lobby(self, message):
        admitted = await db(services.room_set_lobby)(room=self.room, enabled=message["enabled"])
        self.room.lobby_enabled = message["enabled"]
        for presence in admitted:
            await self._person(presence, "room.admitted")
        await self._announce_settings()
        await self._announce_lobby()

    async def on_end(self, message):
        await db(services.room_close)(session=self.session)
        await alerts.support_alerts_clear(code=self.session.code)
        await self._group("all", "room.ended")
        if self.mode == selectors.VideoMode.SFU:
            await self._sfu_destroy()

    # --- outgoing ---------------------------------------------------------------
    def _peer_group(self, peer: str) -> str:
        return f"room.{self.session.code}.peer.{peer}"

    async def _group(self, audience: str, event_type: str, **fields):
        await self.channel_layer.group_send(self.groups_of[audience], {"type": event_type, **fields})

    async def _person(self, presence: Presence, event_type: str):
        await self.channel_layer.group_send(f"room.{self.session.code}.person.{presence.code}", {"type": event_type})

    async def _send_snapshot(self, *, announce: bool = False) -> dict | None:
        """Send the room as this person now sees it; returns their entry for
        the others if `announce` or they are in the room."""
        self.presence, snapshot, entry = await db(_arrival)(self.room, self.presence.pk, announce)
        self.state = self.presence.state
        self.layout = snapshot["room"]["layout"]
        snapshot["me"]["peer"] = self.peer  # this tab's own WebRTC id
        snapshot["me"]["may_publish"] = selectors.may_publish(self.presence, self.layout)
        if self.is_facilitator:  # alerts survive a reload while the room is open
            snapshot["support"] = await alerts.support_alerts(code=self.session.code)
        if self.state == ADMITTED and self.video:  # TURN credentials only for those let in
            servers, expires = turn.ice_servers()
            snapshot["ice"] = {"servers": servers, "expires": expires}
        await self.send_json(snapshot)
        return entry

    async def _announce_participant(self, presence: Presence):
        entry = await db(selectors.participant_summary)(presence)
        await self._group("admitted", "room.participant", participant=entry)

    async def _announce_hands(self):
        await self._group("admitted", "room.hands", queue=await db(selectors.room_hands)(self.room))

    async def _announce_lobby(self):
        await self._group("facilitators", "room.lobby", waiting=await db(selectors.room_lobby)(self.room))

    async def _announce_settings(self):
        await self._group("all", "room.settings", locked=self.room.locked, lobby_enabled=self.room.lobby_enabled)

    # --- channel-layer events (each sends one small message to this client) ----------
    async def room_chat(self, event):
        # Only people in the room: someone just sent to the lobby may still be
        # in the group for a moment (room_sent_to_lobby leaves it).
        if self.state == ADMITTED:
            await self.send(text_data=event["frame"])

    async def room_participant(self, event):
        await self.send_json({"type": "participant", "participant": event["participant"]})

    async def room_participant_left(self, event):
        await self.send_json({"type": "participant_left", "participant": event["participant"]})

    async def room_peer_left(self, event):
        if event["peer"] != self.peer:
            await self.send_json({"type": "peer_left", "peer": event["peer"], "participant": event["participant"]})

    async def room_hands(self, event):
        await self.send_json({"type": "hands", "queue": event["queue"]})

    async def room_lobby(self, event):
        await self.send_json({"type": "lobby", "waiting": event["waiting"]})

    async def room_settings(self, event):
        self.room.locked, self.room.lobby_enabled = event["locked"], event["lobby_enabled"]
        await self.send_json({"type": "settings", **_fields(event, "locked", "lobby_enabled")})

    async def room_support(self, event):
        await self.send_json({"type": "support", **_fields(event, "participant", "name", "at", "first_at", "count")})

    async def room_support_dismissed(self, event):
        await self.send_json({"type": "support_dismissed", **_fields(event, "participant", "by")})

    async def room_media(self, event):
        await self.send_json({"type": "media", **_fields(event, "participant", "audio", "video")})

    async def room_signal(self, event):
        if self.state == ADMITTED and self.video:
            await self.send_json({"type": "signal", **_fields(event, "from_peer", "participant", "kind", "data")})

    async def room_mute(self, event):
        await self.send_json({"type": "mute"})

    async def room_admitted(self, event):
        await self.channel_layer.group_add(self.groups_of["admitted"], self.channel_name)
        entry = await self._send_snapshot(announce=True)
        await self._group("admitted", "room.participant", participant=entry)

    async def room_sent_to_lobby(self, event):
        self.state = Presence.State.LOBBY  # no more media events from now on
        await self._media_close()
        await self.channel_layer.group_discard(self.groups_of["admitted"], self.channel_name)
        await self._send_snapshot()

    async def room_removed(self, event):
        self.state = Presence.State.REMOVED
        await self._media_close()
        await self.send_json({"type": "removed"})
        await self.close(code=protocol.CLOSE_FORBIDDEN)

    async def user_force_close(self, event):
        """The person signed out (of this browser, when `session` is given),
        was deactivated, or lost a role: close; the client shows why."""
        session = event.get("session")
        if session and session != session_fingerprint(self.scope["session"].session_key or ""):
            return  # signed out of another browser: this one's sign-in still stands
        code = {SIGNED_OUT: protocol.CLOSE_ANONYMOUS, ACCESS_CHANGED: protocol.CLOSE_FORBIDDEN}.get(
            event.get("reason"), protocol.CLOSE_FORBIDDEN)
        await self._media_close()
        await self.close(code=code)

    async def room_access_changed(self, event):
        """Something may have taken away this person's right to the room (see
        accounts.services.live_rooms_recheck): check again, close if it has."""
        if event.get("session") not in (None, self.session.code):
            return
        refusal, session = await db(_stay_refusal)(self.scope["user"].pk, self.session.code)
        if refusal:
            await self._media_close()
            return await self._end(refusal, {"type": "ended"} if refusal == protocol.CLOSE_NOT_OPEN else None)
        if session.ends_at != self.session.ends_at:  # moved, still open: close at the new end
            self.session = session
            self.closer.cancel()
            self.closer = asyncio.ensure_future(self._close_at_end())

    async def room_stage(self, event):
        """Brought on stage or back to the audience: back in the audience, stop sending."""
        self.presence = await db(Presence.objects.get)(pk=self.presence.pk)
        allowed = selectors.may_publish(self.presence, self.layout)
        if not allowed and self.media is not None:
            await self.media.unpublish()
        await self.send_json({"type": "stage", "may_publish": allowed})

    async def room_layout(self, event):
        self.layout = event["layout"]
        await self.room_stage(event)
        await self.send_json({"type": "layout", "layout": event["layout"]})

    async def room_video_room(self, event):
        """The room's media-server room was made again (rooms.failover): a
        browser whose link is not to it re-attaches, without reloading."""
        if self.mode != selectors.VideoMode.SFU or self.state != ADMITTED:
            return
        link = self.media
        if link is not None and link.alive and failover.placement(link.room) == event["placement"]:
            return  # still attached to it: nothing was lost here
        await self.send_json({"type": "video_rejoin"})

    async def room_ended(self, event):
        self.state = Presence.State.LOBBY
        await self._media_close()
        await self.send_json({"type": "ended"})
        await self.close(code=protocol.CLOSE_NOT_OPEN)


def _fields(event: dict, *names: str) -> dict:
    return {name: event[name] for name in names}
