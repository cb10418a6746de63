from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import dates
from core.codes import is_public_code
from core.headers import allows_features
from groups.access import get_session_for_user
from programmes.selectors import signposting_for
from rooms import alerts, media, selectors, services, turn
from rooms.janus import JanusError


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


def _facilitated_session(user, code: str):
    session, facilitator = _session_for_room(user, code)
    if not facilitator:
        raise Http404("No session found")
    return session


def _ending_explained(session) -> dict:
    """What ending a sitting means, for the page and the confirmation."""
    again = selectors.opens_again_at(session)
    return {
        "ends_at": dates.at(session.ends_at),
        "opens_again_at": dates.at(again) if again else None,
    }


@login_required
@allows_features("camera", "microphone", "autoplay")
def room(request, code: str):
    session, facilitator = _session_for_room(request.user, code)
    room = selectors.room_for_session(session)
    status = selectors.room_status(session, room)
    mode = selectors.video_mode(session)
    video = mode in (selectors.VideoMode.SFU, selectors.VideoMode.MESH)
    config = {
        "wsPath": f"/ws/rooms/{session.code}/",
        "statusUrl": reverse("rooms:status", args=[session.code]),
        "video": video,
        "media": mode,  # "sfu" (Janus), "mesh", "needs_server" or "off"
        "iceTransportPolicy": settings.ROOM_ICE_TRANSPORT_POLICY,
        "facilitator": facilitator,
        "endsAt": session.ends_at.isoformat(),
        "pollSeconds": settings.ROOM_WAIT_POLL_SECONDS,
    }
    return render(request, "rooms/room.html", {
        "session": session,
        "group": session.group,
        "status": status,
        "is_facilitator": facilitator,
        "video": video,
        "video_needs_server": mode == selectors.VideoMode.NEEDS_SERVER,
        "video_sfu": mode == selectors.VideoMode.SFU,
        "when": dates.span(session.starts_at, session.ends_at),
        "opens_at": dates.at(selectors.opens_at(session)),
        **_ending_explained(session),
        "signposting": signposting_for(session.group.programme_id),  # national, then the programme's own
        "room_config": config,
        "poll_seconds": config["pollSeconds"],
        # Leaving is going elsewhere: the socket closes and presence records the time.
        "leave_url": (reverse("groups:manage", args=[session.group.code]) if facilitator
                      else reverse("signups:session", args=[session.code])),
    })


@login_required
@require_GET
@never_cache
def room_status(request, code: str):
    """The room's status alone, for a waiting page to notice it opening."""
    session, _ = _session_for_room(request.user, code)
    return JsonResponse({"status": selectors.room_status(session, selectors.room_for_session(session))})


async def media_room_end(code: str) -> None:
    try:
        await media.sfu_room_destroy(code=code)
    except JanusError:
        pass  # unreachable: the room dies with Janus's restart, and nobody can join it without the app


@login_required
@require_POST
def room_open(request, code: str):
    session = _facilitated_session(request.user, code)
    services.room_open_early(session=session)
    messages.success(request, "The room is open. People with a place can now come in.")
    return redirect("rooms:room", code=session.code)


@login_required
@require_http_methods(["GET", "POST"])
def room_close(request, code: str):
    """GET asks "End the session for everyone?"; POST ends this sitting."""
    session = _facilitated_session(request.user, code)
    status = selectors.room_status(session, selectors.room_for_session(session))
    if request.method == "GET":
        return render(request, "rooms/end_confirm.html", {
            "session": session, "group": session.group, "status": status,
            "when": dates.span(session.starts_at, session.ends_at), **_ending_explained(session),
        })
    if status == selectors.RoomStatus.OPEN:
        services.room_close(session=session)
        # Everyone still connected is told the room has ended; its media room goes.
        async_to_sync(get_channel_layer().group_send)(f"room.{session.code}", {"type": "room.ended"})
        async_to_sync(alerts.support_alerts_clear)(code=session.code)
        if selectors.video_mode(session) == selectors.VideoMode.SFU:
            async_to_sync(media_room_end)(session.code)
        messages.success(request, "You ended the session for everyone. You can open the room again "
                                  f"until {dates.at(session.ends_at)}.")
    return redirect("rooms:room", code=session.code)


@never_cache
@require_GET
def janus_turn(request):
    """A TURN credential for a Janus server that needs the relays itself
    (its `turn_rest_api`, core/mediaserver.py `JanusNat`). Not for people:
    without the right `api` key, or with none configured, there is no such
    page."""
    reply = turn.janus_turn_response(request.GET.get("api", ""))
    if reply is None or request.GET.get("service") != "turn":
        raise Http404("No such page")
    return JsonResponse(reply)
