"""Writes of rooms: presence, lobby and controls. Nothing said in a room
passes through here; only who is in it and since when."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import GroupSession
from rooms import protocol
from rooms.models import Connection, Presence, Room
from rooms.selectors import (
    STALE_AFTER,
    RoomStatus,
    has_confirmed_place,
    live_connections,
    online_presences,
    room_status,
    runs_room,
    status_refusal,
)
from signups.services import attendance_record_presence

State = Presence.State


def room_get_or_create(*, session: GroupSession) -> Room:
    room, _ = Room.objects.get_or_create(session=session, defaults={"lobby_enabled": session.group.lobby_enabled})
    return room


def _locked_room(session: GroupSession) -> Room:
    """The room row locked for this transaction: capacity, lobby and controls
    are decided one change at a time (one lock, taken late, per transaction)."""
    room_get_or_create(session=session)
    return Room.objects.select_for_update().select_related("session__group").get(session=session)


@transaction.atomic
def room_open_early(*, session: GroupSession) -> Room:
    """Open the room now: before its time, or again after a facilitator ended
    a sitting. Never after the scheduled end, nor for a cancelled or in-person
    session; opening an open room changes nothing."""
    room = _locked_room(session)
    if room_status(session, room) in (RoomStatus.NOT_YET, RoomStatus.ENDED):
        room.opened_at = timezone.now()
        room.save(update_fields=["opened_at"])
    return room


@transaction.atomic
def room_close(*, session: GroupSession) -> Room:
    """End this sitting for everyone: presence ends now, the people inside go
    back to the lobby state and the lock comes off, so the next sitting (the
    normal opening time, or a facilitator opening it again before the
    scheduled end) starts afresh. Removals stand for the whole session."""
    room = _locked_room(session)
    now = timezone.now()
    if room_status(session, room, now) == RoomStatus.OPEN:
        room.closed_at = now
        room.locked = False
        room.save(update_fields=["closed_at", "locked"])
    for presence in online_presences(room).filter(state=State.ADMITTED):
        _record_left(presence, now)
    Connection.objects.filter(presence__room=room).delete()
    room.presences.update(hand_raised_at=None, on_stage=False)
    room.presences.filter(state=State.ADMITTED, is_facilitator=False).update(state=State.LOBBY, waiting_since=None)
    return room


@transaction.atomic
def room_set_locked(*, room: Room, locked: bool) -> Room:
    room = Room.objects.select_for_update().get(pk=room.pk)
    room.locked = locked
    room.save(update_fields=["locked"])
    return room


@transaction.atomic
def room_set_lobby(*, room: Room, enabled: bool) -> list[Presence]:
    """Switch the lobby; switching it off admits everyone waiting. Returns
    the people admitted."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    room.lobby_enabled = enabled
    room.save(update_fields=["lobby_enabled"])
    if enabled:
        return []
    waiting = list(online_presences(room).filter(state=State.LOBBY))
    for presence in waiting:
        _admit(presence, timezone.now())
    return waiting


@dataclass(frozen=True)
class Joined:
    room: Room | None = None
    presence: Presence | None = None
    connection: Connection | None = None
    first_connection: bool = False  # the person was not here before this tab
    refused: int | None = None  # a close code from rooms.protocol


@transaction.atomic
def presence_connect(*, session: GroupSession, user: User, channel_name: str) -> Joined:
    """Let one connection in, or say why not (a close code)."""
    facilitator = runs_room(user, session)
    if not facilitator and not has_confirmed_place(user, session):
        return Joined(refused=protocol.CLOSE_FORBIDDEN)
    room = _locked_room(session)
    refusal = status_refusal(session, room)
    if refusal is not None:
        return Joined(refused=refusal)
    now = timezone.now()
    connections_reap_stale(now=now, room=room)
    presence = room.presences.filter(user=user).first()
    if presence and presence.state == State.REMOVED:
        return Joined(refused=protocol.CLOSE_FORBIDDEN)
    online = presence is not None and live_connections(now).filter(presence=presence).exists()
    if not facilitator and not online:
        if room.locked and not (presence and presence.state == State.ADMITTED):
            return Joined(refused=protocol.CLOSE_LOCKED)
        others = online_presences(room).filter(is_facilitator=False).exclude(user=user)
        if others.count() >= session.effective_capacity:
            return Joined(refused=protocol.CLOSE_FULL)
    if presence is None:
        presence = Presence.objects.create(room=room, user=user, is_facilitator=facilitator, waiting_since=now)
    presence.is_facilitator = facilitator
    if presence.state == State.LOBBY and presence.waiting_since is None:
        presence.waiting_since = now  # back for a new sitting: waits from now
    if presence.state == State.LOBBY and (facilitator or not room.lobby_enabled):
        _admit(presence, now)
    elif presence.state == State.ADMITTED and not online:
        _record_joined(presence, now)  # back after dropping out
    presence.left_at = None
    presence.save()
    connection = Connection.objects.create(presence=presence, channel_name=channel_name, seen_at=now)
    return Joined(room=room, presence=presence, connection=connection, first_connection=not online)


@transaction.atomic
def presence_disconnect(*, channel_name: str) -> Presence | None:
    """Forget one connection. Returns the presence if that was the person's
    last live connection (they have left), else None."""
    connection = Connection.objects.select_related("presence__room__session").filter(channel_name=channel_name).first()
    if connection is None:
        return None
    presence = connection.presence
    connection.delete()
    if live_connections().filter(presence=presence).exists():
        return None
    now = timezone.now()
    presence.hand_raised_at = None
    presence.left_at = now
    presence.save(update_fields=["hand_raised_at", "left_at"])
    if presence.state == State.ADMITTED:
        _record_left(presence, now)
    return presence


def connection_seen(*, channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def _participant(room: Room, code: str) -> Presence | None:
    return room.presences.select_related("user").filter(code=code).first()


@transaction.atomic
def presence_admit(*, room: Room, code: str) -> Presence | None:
    presence = _participant(room, code)
    if presence is None or presence.state != State.LOBBY:
        return None
    _admit(presence, timezone.now())
    presence.save()
    return presence


@transaction.atomic
def presence_to_lobby(*, room: Room, code: str) -> Presence | None:
    presence = _participant(room, code)
    if presence is None or presence.state != State.ADMITTED or presence.is_facilitator:
        return None
    now = timezone.now()
    presence.state = State.LOBBY
    presence.waiting_since = now
    presence.hand_raised_at = None
    presence.on_stage = False
    presence.save(update_fields=["state", "waiting_since", "hand_raised_at", "on_stage"])
    _record_left(presence, now)
    return presence


@transaction.atomic
def presence_remove(*, room: Room, code: str) -> Presence | None:
    """Remove someone from the room (or deny them from the lobby) for the
    rest of this session."""
    presence = _participant(room, code)
    if presence is None or presence.state == State.REMOVED or presence.is_facilitator:
        return None
    was_admitted = presence.state == State.ADMITTED
    presence.state = State.REMOVED
    presence.hand_raised_at = None
    presence.on_stage = False
    presence.save(update_fields=["state", "hand_raised_at", "on_stage"])
    if was_admitted:
        _record_left(presence, timezone.now())
    return presence


@transaction.atomic
def room_set_layout(*, room: Room, layout: str) -> Room:
    room = Room.objects.select_for_update().get(pk=room.pk)
    room.layout = layout
    room.save(update_fields=["layout"])
    return room


def presence_set_stage(*, room: Room, code: str, on: bool) -> Presence | None:
    """Bring an admitted participant on stage (they may then send video) or
    back to the audience; lowers their hand. None if there is no such person."""
    presence = _participant(room, code)
    if presence is None or presence.state != State.ADMITTED or presence.is_facilitator:
        return None
    presence.on_stage = on
    presence.hand_raised_at = None
    presence.save(update_fields=["on_stage", "hand_raised_at"])
    return presence


def hand_set(*, presence: Presence, raised: bool) -> None:
    """Raise (keeping one's place if already up) or lower a hand."""
    hands = Presence.objects.filter(pk=presence.pk, state=State.ADMITTED)
    if raised:
        hands.filter(hand_raised_at__isnull=True).update(hand_raised_at=timezone.now())
    else:
        hands.update(hand_raised_at=None)


def hands_clear(*, room: Room) -> None:
    room.presences.update(hand_raised_at=None, on_stage=False)


def _admit(presence: Presence, now: datetime) -> None:
    presence.state = State.ADMITTED
    presence.waiting_since = None
    _record_joined(presence, now)
    presence.save(update_fields=["state", "waiting_since", "joined_at"])


def _record_joined(presence: Presence, now: datetime) -> None:
    if presence.joined_at is None:
        presence.joined_at = now
    if not presence.is_facilitator:
        attendance_record_presence(session=presence.room.session, user=presence.user, joined_at=now)


def _record_left(presence: Presence, now: datetime) -> None:
    if not presence.is_facilitator:
        attendance_record_presence(session=presence.room.session, user=presence.user, left_at=now)


@transaction.atomic
def connections_reap_stale(*, now: datetime | None = None, room: Room | None = None) -> int:
    """Forget connections whose heartbeat stopped more than STALE_AFTER ago (a
    socket that closed while Redis or its server process was down never said
    goodbye), and record the departure of anyone left with no live
    connection, as `presence_disconnect` does, at the last moment they were
    seen. Run every minute by beat (rooms.tasks), and for a room when someone
    joins it. Returns how many connections went."""
    now = now or timezone.now()
    stale = Connection.objects.filter(seen_at__lt=now - STALE_AFTER)
    if room is not None:
        stale = stale.filter(presence__room=room)
    last_seen: dict[int, datetime] = {}
    for presence_id, seen_at in stale.values_list("presence_id", "seen_at"):
        last_seen[presence_id] = max(seen_at, last_seen.get(presence_id, seen_at))
    reaped, _ = stale.delete()
    departed = Presence.objects.select_for_update().select_related("room__session", "user").filter(
        pk__in=last_seen, left_at__isnull=True)
    for presence in departed:
        if live_connections(now).filter(presence=presence).exists():
            continue
        presence.hand_raised_at = None
        presence.left_at = last_seen[presence.pk]
        presence.save(update_fields=["hand_raised_at", "left_at"])
        if presence.state == State.ADMITTED:
            _record_left(presence, presence.left_at)
    return reaped
