import asyncio
import hashlib
import logging
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def profile_save(*, user: User, data: Mapping[str, str]) -> User:
    """Save profile answers; the first save completes onboarding."""
    for field in ("display_name", "profession", "career_stage", "region", "organisation"):
        setattr(user, field, data.get(field, ""))
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
    user.save()
    return user


# --- live connections ---------------------------------------------------------
# Every live connection (a room's WebSocket) of a signed-in person joins this
# channel-layer group, so any process can end them when access ends.
FORCE_CLOSE_EVENT = "user.force_close"
SIGNED_OUT = "signed_out"  # the connection's sign-in ended
ACCESS_CHANGED = "access_changed"  # deactivated, or a role removed: it must be authorised afresh

_sending: set[asyncio.Task[None]] = set()  # holds sends started from a running event loop until they finish


def user_channel_group(user_id: int) -> str:
    return f"user-{user_id}"


def session_fingerprint(session_key: str) -> str:
    """Names a browser session in a channel-layer message without sending the key itself."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def live_connections_close(*, user_id: int, reason: str, session_key: str | None = None) -> None:
    """Close this person's live connections (only those of one browser session
    when `session_key` is given) once the current transaction commits."""
    event: dict[str, str | None] = {"type": FORCE_CLOSE_EVENT, "reason": reason}
    if session_key:
        event["session"] = session_fingerprint(session_key)
    transaction.on_commit(lambda: _group_send(user_channel_group(user_id), event))


# A room's WebSockets join `room_channel_group(session code)`; a change that
# may take away someone's right to be in a room asks those rooms to check again.
RECHECK_EVENT = "room.access_changed"


def room_channel_group(session_code: str) -> str:
    return f"room.{session_code}"


def live_rooms_recheck(*, user_id: int | None = None, session_code: str | None = None) -> None:
    """Once the current transaction commits, ask live rooms to re-check in the
    database who may stay, closing the sockets of anyone who no longer may:
    one person's rooms (`user_id`, optionally only that session's), or every
    socket of one session's room (`session_code` alone). For every service
    that can take the right away: a cancelled place, a membership ended, a
    session cancelled or moved, a facilitator removed."""
    if user_id is not None:
        group = user_channel_group(user_id)
    elif session_code is not None:
        group = room_channel_group(session_code)
    else:
        raise ValueError("Say whose rooms, or which room, to re-check.")
    event = {"type": RECHECK_EVENT, "session": session_code}
    transaction.on_commit(lambda: _group_send(group, event))


def _group_send(group: str, event: dict[str, str | None]) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        try:
            async_to_sync(layer.group_send)(group, event)
        except Exception:  # noqa: BLE001 - signing out must work even when the channel layer is down
            logger.warning("could not close live connections: the channel layer is unavailable", exc_info=True)
        return
    # Called from synchronous code on an event loop's own thread (an async
    # test, or sync code inside async code): send without blocking the loop.
    task = asyncio.ensure_future(layer.group_send(group, event))
    _sending.add(task)
    task.add_done_callback(_sending.discard)
