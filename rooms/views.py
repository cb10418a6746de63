from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import dates
from core.codes import is_public_code
from core.headers import allows_features
from groups.access import get_session_for_user
from rooms import selectors, services


def _session_for_room(user, code: str):
    """The session and whether this person runs its room; 404 unless they run
    it or hold a confirmed place (a URL never confirms a room exists)."""
    if not is_public_code(code):
        raise Http404("No session found")
    session, _ = get_session_for_user(user, code)
    facilitator = selectors.is_session_facilitator(user, session)
    if not facilitator and not selectors.has_confirmed_place(user, session):
        raise Http404("No session found")
    return session, facilitator


@login_required
@allows_features("camera", "microphone", "autoplay")
def room(request, code: str):
    session, facilitator = _session_for_room(request.user, code)
    room = selectors.room_for_session(session)
    status = selectors.room_status(session, room)
    video = selectors.video_allowed(session)
    config = {
        "wsPath": f"/ws/rooms/{session.code}/",
        "video": video,
        "iceServers": settings.ROOM_ICE_SERVERS,
        "facilitator": facilitator,
    }
    return render(request, "rooms/room.html", {
        "session": session,
        "group": session.group,
        "status": status,
        "is_facilitator": facilitator,
        "video": video,
        "when": dates.span(session.starts_at, session.ends_at),
        "opens_at": dates.at(selectors.opens_at(session)),
        "signposting": settings.SIGNPOSTING,
        "room_config": config,
    })


@login_required
@require_POST
def room_open(request, code: str):
    session, facilitator = _session_for_room(request.user, code)
    if not facilitator:
        raise Http404("No session found")
    services.room_open_early(session=session)
    messages.success(request, "The room is open. People with a place can now come in.")
    return redirect("rooms:room", code=session.code)


@login_required
@require_POST
def room_close(request, code: str):
    session, facilitator = _session_for_room(request.user, code)
    if not facilitator:
        raise Http404("No session found")
    services.room_close(session=session)
    # Everyone still connected is told the room has ended.
    async_to_sync(get_channel_layer().group_send)(f"room.{session.code}", {"type": "room.ended"})
    messages.success(request, "The room is closed.")
    return redirect("rooms:room", code=session.code)
