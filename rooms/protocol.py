"""The room's WebSocket message schema, apart from the consumer so it can be
tested (and property-tested) on its own.

Every client message is a JSON object `{"type": ..., ...fields}`. `parse`
returns a clean dict holding only the known fields, or raises ProtocolError
whose text never quotes the message (it could be chat).

Close codes sent by the server (the socket is accepted first, then closed, so
browsers see the code):
    4401  not signed in: signed out, the sign-in reached its idle or absolute
          limit (closed then, without waiting for a page request), or two-factor
          authentication is required and not set up (the pages' own rules)
    4403  no confirmed place in this session (or no longer: cancelled, left the
          closed group, no longer its facilitator), or removed by a facilitator
    4404  no such session (or not visible to this person, cancelled, or met in person)
    4409  the room is not open (before it opens, after it closes or ends, or
          the session was moved to another time)
    4423  the room is locked by a facilitator
    4429  the room is full
A connected socket is closed with the same codes when the reason arises:
services that can take the right away ask the room to re-check
(`accounts.services.live_rooms_recheck`), and a timer watches the sign-in.
The client reconnects only after other codes (network drops, server restarts).
Every malformed message (bad JSON or UTF-8, unknown fields' types, lone
surrogates) is answered `{"type": "error", "code": "invalid"}` and the
connection carries on.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from core.codes import is_public_code

CLOSE_ANONYMOUS = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_UNKNOWN = 4404
CLOSE_NOT_OPEN = 4409
CLOSE_LOCKED = 4423
CLOSE_FULL = 4429
FINAL_CLOSE_CODES = frozenset(
    {CLOSE_ANONYMOUS, CLOSE_FORBIDDEN, CLOSE_UNKNOWN, CLOSE_NOT_OPEN, CLOSE_LOCKED, CLOSE_FULL}
)

MAX_MESSAGE_BYTES = 2048
# WebRTC offers and answers carry SDP, which runs to several KB with video.
MAX_SIGNAL_BYTES = 12 * 1024
MAX_CHAT_CHARS = 1000
MAX_SDP_CHARS = 10 * 1024
MAX_CANDIDATE_CHARS = 1000
# Media-server signalling: a simulcast offer runs larger than a mesh one.
MAX_JSEP_CHARS = 24 * 1024
MAX_VIDEO_BYTES = 28 * 1024
MAX_FEEDS = 64
LAYOUTS = ("circle", "stage")



class ProtocolError(ValueError):
    """A message we refuse. `code` is a stable word for the client."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError("invalid", "Expected true or false.")
    return value


def _code(value: Any) -> str:
    if not is_public_code(value):
        raise ProtocolError("invalid", "Expected a participant or peer code.")
    return value


def _chat_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ProtocolError("invalid", "A chat message must be text.")
    text = value.strip()
    if not text:
        raise ProtocolError("invalid", "A chat message cannot be empty.")
    if len(text) > MAX_CHAT_CHARS:
        raise ProtocolError("too_long", f"A chat message can be at most {MAX_CHAT_CHARS} characters.")
    return text


def _signal_kind(value: Any) -> str:
    if value not in ("offer", "answer", "candidate"):
        raise ProtocolError("invalid", "Expected offer, answer or candidate.")
    return value


def _signal_data(value: Any) -> dict:
    """An RTCSessionDescription ({type, sdp}) or an RTCIceCandidate init."""
    if not isinstance(value, dict):
        raise ProtocolError("invalid", "Signal data must be an object.")
    clean: dict[str, Any] = {}
    if "sdp" in value:
        if value.get("type") not in ("offer", "answer") or not isinstance(value["sdp"], str):
            raise ProtocolError("invalid", "A session description needs a type and sdp.")
        if len(value["sdp"]) > MAX_SDP_CHARS:
            raise ProtocolError("too_long", "The session description is too long.")
        clean = {"type": value["type"], "sdp": value["sdp"]}
    elif "candidate" in value:
        candidate = value["candidate"]
        mid = value.get("sdpMid")
        index = value.get("sdpMLineIndex")
        if not isinstance(candidate, str) or len(candidate) > MAX_CANDIDATE_CHARS:
            raise ProtocolError("invalid", "An ICE candidate must be short text.")
        if mid is not None and (not isinstance(mid, str) or len(mid) > 32):
            raise ProtocolError("invalid", "sdpMid must be short text.")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 64):
            raise ProtocolError("invalid", "sdpMLineIndex must be a small number.")
        clean = {"candidate": candidate, "sdpMid": mid, "sdpMLineIndex": index}
    else:
        raise ProtocolError("invalid", "Signal data must be a description or a candidate.")
    return clean


def _jsep(value: Any) -> dict:
    """An RTCSessionDescription for the media server: {type, sdp}."""
    if not isinstance(value, dict) or value.get("type") not in ("offer", "answer"):
        raise ProtocolError("invalid", "Expected a session description.")
    if not isinstance(value.get("sdp"), str) or not value["sdp"].startswith("v=0"):
        raise ProtocolError("invalid", "A session description needs its sdp.")
    if len(value["sdp"]) > MAX_JSEP_CHARS:
        raise ProtocolError("too_long", "The session description is too long.")
    return {"type": value["type"], "sdp": value["sdp"]}


def _feeds(value: Any) -> list[int]:
    if (not isinstance(value, list) or not 0 < len(value) <= MAX_FEEDS
            or not all(isinstance(feed, int) and not isinstance(feed, bool) and 0 < feed < 2**63 for feed in value)):
        raise ProtocolError("invalid", "Expected a list of video feeds.")
    return list(dict.fromkeys(value))


def _target(value: Any) -> str:
    if value not in ("publisher", "subscriber"):
        raise ProtocolError("invalid", "Expected publisher or subscriber.")
    return value


def _candidate(value: Any) -> dict | None:
    """An ICE candidate for the media server, or null when gathering is complete."""
    if value is None:
        return None
    if not isinstance(value, dict) or "candidate" not in value:
        raise ProtocolError("invalid", "Expected an ICE candidate.")
    return _signal_data(value)


def _quality(value: Any) -> str:
    if value not in ("high", "low", "audio"):
        raise ProtocolError("invalid", "Expected high, low or audio.")
    return value


def _layout(value: Any) -> str:
    if value not in LAYOUTS:
        raise ProtocolError("invalid", "Expected circle or stage.")
    return value


@dataclass(frozen=True)
class MessageType:
    fields: dict  # name -> validator
    optional: dict = field(default_factory=dict)  # name -> validator, kept only when sent
    facilitator_only: bool = False
    bucket: str = "control"  # which rate limit it draws on
    max_bytes: int = MAX_MESSAGE_BYTES
    # A person acting (not their browser's heartbeat or WebRTC negotiation):
    # keeps the sign-in alive like a page request (SESSION_IDLE_TIMEOUT_MINUTES).
    activity: bool = True


TYPES: dict[str, MessageType] = {
    "ping": MessageType({}, bucket="ping", activity=False),
    "chat": MessageType({"text": _chat_text}, bucket="chat"),
    "hand": MessageType({"raised": _bool}),
    "support": MessageType({}),
    "media": MessageType({"audio": _bool, "video": _bool}),
    "signal": MessageType(
        {"to": _code, "kind": _signal_kind, "data": _signal_data}, bucket="signal", max_bytes=MAX_SIGNAL_BYTES,
        activity=False,
    ),
    # Video through the media server (docs/rooms.md): join (with `receive`,
    # also receive everyone publishing now, at that quality, in the same
    # exchange), send, receive, answer the server's offer, trickle
    # candidates, restart ICE on the receiving connection after a network
    # change (the sending one restarts with a new `video_publish` offer);
    # `ice` asks for fresh TURN credentials before the current ones expire.
    "video_join": MessageType({}, optional={"receive": _quality}, bucket="signal", activity=False),
    "video_publish": MessageType({"jsep": _jsep}, bucket="signal", max_bytes=MAX_VIDEO_BYTES, activity=False),
    "video_unpublish": MessageType({}, bucket="signal", activity=False),
    "video_subscribe": MessageType({"feeds": _feeds}, bucket="signal", activity=False),
    "video_answer": MessageType({"jsep": _jsep}, bucket="signal", max_bytes=MAX_VIDEO_BYTES, activity=False),
    "video_candidate": MessageType({"target": _target, "candidate": _candidate}, bucket="signal", activity=False),
    "video_quality": MessageType({"quality": _quality}, bucket="signal", activity=False),
    "video_restart": MessageType({}, bucket="signal", activity=False),
    "ice": MessageType({}, activity=False),
    # Facilitators only:
    "stage": MessageType({"participant": _code, "on": _bool}, facilitator_only=True),
    "layout": MessageType({"layout": _layout}, facilitator_only=True),
    "admit": MessageType({"participant": _code}, facilitator_only=True),
    "to_lobby": MessageType({"participant": _code}, facilitator_only=True),
    "remove": MessageType({"participant": _code}, facilitator_only=True),
    "mute": MessageType({"participant": _code}, facilitator_only=True),
    "hands_clear": MessageType({}, facilitator_only=True),
    "support_dismiss": MessageType({"participant": _code}, facilitator_only=True),  # "Seen — I'll follow up"
    "lock": MessageType({"locked": _bool}, facilitator_only=True),
    "lobby": MessageType({"enabled": _bool}, facilitator_only=True),
    "end": MessageType({}, facilitator_only=True),
}


def parse(raw: str | bytes | None, *, is_facilitator: bool = False) -> dict:
    """A validated message, or ProtocolError. Sizes are checked before decoding."""
    if not isinstance(raw, str):
        raise ProtocolError("invalid", "Messages must be JSON text.")
    size = len(raw.encode("utf-8", errors="surrogatepass"))
    if size > MAX_VIDEO_BYTES:
        raise ProtocolError("too_large", "The message is too large.")
    if not _is_unicode(raw):  # a lone surrogate: no UTF-8 frame carries one
        raise ProtocolError("invalid", "Messages must be UTF-8 text.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError("invalid", "Messages must be JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError("invalid", "Messages must be JSON objects.")
    if not _is_unicode(data):  # "\ud800" escaped in the JSON: relaying it would fail later
        raise ProtocolError("invalid", "Messages must be UTF-8 text.")
    kind = data.get("type")
    spec = TYPES.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise ProtocolError("unknown_type", "Unknown message type.")
    if size > spec.max_bytes:
        raise ProtocolError("too_large", "The message is too large.")
    if spec.facilitator_only and not is_facilitator:
        raise ProtocolError("forbidden", "Only facilitators can do that.")
    message = {"type": kind}
    for name, validate in spec.fields.items():
        if name not in data:
            raise ProtocolError("invalid", f"The field {name} is missing.")
        message[name] = validate(data[name])
    for name, validate in spec.optional.items():
        if name in data:
            message[name] = validate(data[name])
    return message


def _is_unicode(value: Any) -> bool:
    """True unless some text in it holds a lone surrogate (not encodable as
    UTF-8). A loop, not recursion: the JSON may nest as deep as it parses."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


class TokenBucket:
    """Per-connection rate limit: `capacity` messages at once, refilled at
    `rate` a second. `now` is passed in so tests need no sleeping."""

    def __init__(self, capacity: float, rate: float, now: float):
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.updated = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


# (capacity, refill per second) of each bucket. ICE candidates come in bursts
# of a few dozen per peer when a call starts, hence the large signal bucket.
BUCKETS = {
    "ping": (5, 1.0),
    "chat": (5, 1.0),
    "control": (10, 2.0),
    "signal": (300, 60.0),
}


def new_buckets(now: float) -> dict[str, TokenBucket]:
    return {name: TokenBucket(capacity, rate, now) for name, (capacity, rate) in BUCKETS.items()}
