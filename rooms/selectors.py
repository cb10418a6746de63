"""Reads of rooms: whether a room is open, who may enter, and who is there."""

from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_facilitator
from accounts.selectors import public_name
from groups.access import facilitates
from groups.models import GroupSession, PeerGroup
from rooms import protocol
from rooms.models import Connection, Presence, Room
from signups.models import Booking, Membership

# A connection whose heartbeat is older than this is taken to be gone (its
# server process died without saying so). The client beats every 25 seconds.
STALE_AFTER = timedelta(seconds=90)


class RoomStatus:
    NOT_YET = "not_yet"
    OPEN = "open"
    ENDED = "ended"  # a facilitator ended this sitting: it can open again before the scheduled end
    CLOSED = "closed"  # the scheduled end has passed
    CANCELLED = "cancelled"
    IN_PERSON = "in_person"


def opens_at(session: GroupSession) -> datetime:
    return session.starts_at - timedelta(minutes=settings.ROOM_OPENS_MINUTES_BEFORE)


def room_status(session: GroupSession, room: Room | None, now: datetime | None = None) -> str:
    """Open or not, sitting by sitting: the latest of "a facilitator opened
    it", "a facilitator ended it" and "the normal opening time came" decides,
    so ending an early sitting never stops the room opening at its time, and
    only the scheduled end closes it for good."""
    now = now or timezone.now()
    if session.is_cancelled:
        return RoomStatus.CANCELLED
    if session.group.delivery == PeerGroup.Delivery.IN_PERSON:
        return RoomStatus.IN_PERSON
    if now >= session.ends_at:
        return RoomStatus.CLOSED
    events = []  # (when, status); on a tie the first listed (ending) wins
    if room and room.closed_at:
        events.append((room.closed_at, RoomStatus.ENDED))
    if room and room.opened_at:
        events.append((room.opened_at, RoomStatus.OPEN))
    if opens_at(session) <= now:
        events.append((opens_at(session), RoomStatus.OPEN))
    if not events:
        return RoomStatus.NOT_YET
    return max(events, key=lambda event: event[0])[1]


def opens_again_at(session: GroupSession, now: datetime | None = None) -> datetime | None:
    """When an ended room opens again by itself: the normal opening time, if
    that is still ahead."""
    now = now or timezone.now()
    return opens_at(session) if opens_at(session) > now else None


def is_session_facilitator(user: User, session: GroupSession) -> bool:
    """The group's own facilitators run its room. Programme admins may manage
    every group but do not enter rooms: what is said there is confidential."""
    return facilitates(user, session.group)


def runs_room(user: User, session: GroupSession) -> bool:
    # The role as well as the group's list: someone whose facilitator role was
    # revoked no longer runs rooms (accounts.services.role_revoke closes theirs).
    return is_facilitator(user) and is_session_facilitator(user, session)


def has_confirmed_place(user: User, session: GroupSession) -> bool:
    """A confirmed place; in a closed group, also still a member (someone who
    left keeps the place at a session already under way, not the room)."""
    places = Booking.objects.filter(session=session, user=user, status=Booking.Status.CONFIRMED)
    if session.group.is_closed:
        member = Membership.objects.filter(group_id=session.group_id, user=user, status=Membership.Status.ACCEPTED)
        places = places.filter(Exists(member))
    return places.exists()


def status_refusal(session: GroupSession, room: Room | None) -> int | None:
    """The close code when this session's room is not open now, else None."""
    status = room_status(session, room)
    if status in (RoomStatus.CANCELLED, RoomStatus.IN_PERSON):
        return protocol.CLOSE_UNKNOWN
    if status != RoomStatus.OPEN:
        return protocol.CLOSE_NOT_OPEN
    return None


def stay_refusal(user: User, session: GroupSession) -> int | None:
    """For someone already connected, after something changed (a place
    cancelled, a membership ended, the session cancelled or moved): the close
    code if they may no longer be in the room, else None. The join's own
    rules, read afresh from the database."""
    if not runs_room(user, session) and not has_confirmed_place(user, session):
        return protocol.CLOSE_FORBIDDEN
    room = room_for_session(session)
    refusal = status_refusal(session, room)
    if refusal is None and room and room.presences.filter(user=user, state=Presence.State.REMOVED).exists():
        return protocol.CLOSE_FORBIDDEN
    return refusal


class VideoMode:
    SFU = "sfu"  # through the Janus media server: every size
    MESH = "mesh"  # browser to browser: up to ROOM_VIDEO_MAX people
    NEEDS_SERVER = "needs_server"  # too big for the mesh and no media server configured
    OFF = "off"  # the group meets without video


def video_mode(session: GroupSession) -> str:
    if not session.group.video_enabled:
        return VideoMode.OFF
    if settings.JANUS_URLS:
        return VideoMode.SFU
    if session.effective_capacity <= settings.ROOM_VIDEO_MAX:
        return VideoMode.MESH
    return VideoMode.NEEDS_SERVER


def video_allowed(session: GroupSession) -> bool:
    return video_mode(session) in (VideoMode.SFU, VideoMode.MESH)


# Formats that meet as a stage (a panel on video, an audience that watches).
STAGE_FORMATS = frozenset({"schwartz", "webinar"})


def room_layout(session: GroupSession, room: Room | None) -> str:
    """The room's layout: as a facilitator set it, else the format's default."""
    if room is not None and room.layout:
        return room.layout
    return Room.Layout.STAGE if session.group.format in STAGE_FORMATS else Room.Layout.CIRCLE


def may_publish(presence: Presence, layout: str) -> bool:
    """Whether this person may send audio and video: anyone admitted in a
    circle; on a stage, facilitators and those brought on stage."""
    if presence.state != Presence.State.ADMITTED:
        return False
    return layout == Room.Layout.CIRCLE or presence.is_facilitator or presence.on_stage


def live_connections(now: datetime | None = None) -> QuerySet[Connection]:
    return Connection.objects.filter(seen_at__gte=(now or timezone.now()) - STALE_AFTER)


def online_presences(room: Room) -> QuerySet[Presence]:
    """Presences with at least one live connection: a person in two tabs once."""
    live = live_connections().filter(presence=OuterRef("pk"))
    return room.presences.filter(Exists(live)).select_related("user")


def facilitator_online(room: Room) -> bool:
    return online_presences(room).filter(is_facilitator=True).exists()


def display_name(user: User) -> str:
    return public_name(user, fallback="Participant")  # two "Sam"s can be told apart


class ParticipantEntry(TypedDict):
    participant: str  # the presence's code, never the person's id
    name: str
    role: str  # "facilitator" or "participant"
    on_stage: bool  # may publish in a stage layout
    peers: list[str]  # one WebRTC peer id per open tab


class LobbyEntry(TypedDict):
    participant: str
    name: str


def participant_entry(presence: Presence, peers: list[str]) -> ParticipantEntry:
    return {
        "participant": presence.code,
        "name": display_name(presence.user),
        "role": "facilitator" if presence.is_facilitator else "participant",
        "on_stage": presence.on_stage,
        "peers": peers,
    }


def room_snapshot(room: Room, viewer: Presence) -> dict[str, Any]:
    """The whole state one person may see: sent on (re)connecting, so a dropped
    connection comes back to the room as it now is."""
    online = list(online_presences(room).order_by("joined_at", "pk"))
    peers: dict[int, list[str]] = {}
    for presence_id, peer in live_connections().filter(presence__in=online).values_list("presence_id", "peer"):
        peers.setdefault(presence_id, []).append(peer)
    admitted = [p for p in online if p.state == Presence.State.ADMITTED]
    if viewer.state != Presence.State.ADMITTED:
        admitted = []  # who is inside is for those inside
    snapshot: dict[str, Any] = {
        "type": "state",
        "me": {**participant_entry(viewer, peers.get(viewer.pk, [])), "state": viewer.state},
        "room": {"locked": room.locked, "lobby_enabled": room.lobby_enabled,
                 "layout": room_layout(room.session, room)},
        "participants": [participant_entry(p, peers.get(p.pk, [])) for p in admitted],
        "hands": hand_queue(admitted),
    }
    if viewer.is_facilitator:
        snapshot["lobby"] = lobby_entries(online)
    return snapshot


def hand_queue(admitted: list[Presence]) -> list[str]:
    """Participant codes with a hand up, first raised first."""
    raised = sorted((p.hand_raised_at, order, p.code) for order, p in enumerate(admitted) if p.hand_raised_at)
    return [code for _raised_at, _order, code in raised]


def lobby_entries(online: list[Presence]) -> list[LobbyEntry]:
    waiting = [p for p in online if p.state == Presence.State.LOBBY]
    waiting.sort(key=lambda p: (p.waiting_since is None, p.waiting_since, p.pk))
    return [{"participant": p.code, "name": display_name(p.user)} for p in waiting]


def room_for_session(session: GroupSession) -> Room | None:
    return Room.objects.filter(session=session).first()



def participant_summary(presence: Presence) -> ParticipantEntry:
    peers = list(live_connections().filter(presence=presence).values_list("peer", flat=True))
    return participant_entry(presence, peers)


def room_hands(room: Room) -> list[str]:
    return hand_queue(list(online_presences(room).filter(state=Presence.State.ADMITTED)))


def room_lobby(room: Room) -> list[LobbyEntry]:
    return lobby_entries(list(online_presences(room).filter(state=Presence.State.LOBBY)))


def room_wants_video(session_id: int) -> bool:
    """Whether a lost media-server room is worth making again: the room is
    open and someone let in is connected (rooms.failover)."""
    session = GroupSession.objects.select_related("group").filter(pk=session_id).first()
    if session is None:
        return False
    room = room_for_session(session)
    if room is None or room_status(session, room) != RoomStatus.OPEN:
        return False
    return online_presences(room).filter(state=Presence.State.ADMITTED).exists()
