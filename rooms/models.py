"""Presence and controls of a session's live room. Never content: chat and
media are relayed and forgotten; only who is here, and since when, is kept."""

from django.conf import settings
from django.db import models

from core.codes import new_code
from groups.models import GroupSession


class Room(models.Model):
    """A session's room controls, made on first use. The room's opening times
    come from the session; these fields record what facilitators changed."""

    session = models.OneToOneField(GroupSession, on_delete=models.CASCADE, related_name="room")
    opened_at = models.DateTimeField(null=True, blank=True)  # opened early by a facilitator
    closed_at = models.DateTimeField(null=True, blank=True)  # closed or ended by a facilitator
    locked = models.BooleanField(default=False)  # nobody new may come in
    lobby_enabled = models.BooleanField()  # starts as the group's setting

    class Layout(models.TextChoices):
        CIRCLE = "circle", "Circle: everyone on video"
        STAGE = "stage", "Stage: facilitators and the panel on video, the audience watches"

    # Blank = the format's default (rooms.selectors.room_layout); facilitators may switch it.
    layout = models.CharField(max_length=10, choices=Layout.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)


class Presence(models.Model):
    """One person in one room: waiting in the lobby, admitted, or removed."""

    class State(models.TextChoices):
        LOBBY = "lobby", "Waiting in the lobby"
        ADMITTED = "admitted", "In the room"
        REMOVED = "removed", "Removed by a facilitator"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_presences")
    is_facilitator = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.LOBBY)
    waiting_since = models.DateTimeField(null=True, blank=True)  # lobby order
    hand_raised_at = models.DateTimeField(null=True, blank=True)  # hand queue order
    on_stage = models.BooleanField(default=False)  # brought on stage by a facilitator (stage layout)
    joined_at = models.DateTimeField(null=True, blank=True)  # first admitted
    left_at = models.DateTimeField(null=True, blank=True)  # last connection closed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="presence_one_per_person_room")]
        indexes = [
            # the participant list and lobby of one room
            models.Index(fields=["room", "state"], name="presence_room_state"),
        ]


class Connection(models.Model):
    """One open WebSocket (a browser tab). A person with two tabs has two
    connections but one presence, so they count once."""

    presence = models.ForeignKey(Presence, on_delete=models.CASCADE, related_name="connections")
    channel_name = models.CharField(max_length=200, unique=True)
    peer = models.CharField(max_length=16, unique=True, default=new_code)  # WebRTC peer id
    connected_at = models.DateTimeField(auto_now_add=True)
    # Refreshed by the client's heartbeat: a server process that dies leaves
    # its rows behind, and stale ones are ignored and swept.
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [
            # live connections of a room's people
            models.Index(fields=["presence", "seen_at"], name="connection_presence_seen"),
        ]
