"""Helpers shared by sign-ups' views."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from signups.errors import GroundRulesRequired, SignupRefused
from signups.models import Booking


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after an action: a `next` on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: `redirect` would take a bare word such as "0" for a view name.
    if not target.startswith("/") or len(target) > 500:
        return default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def booked(request: HttpRequest, booking: Booking, *, back: str) -> HttpResponse:
    """Say what a booking gave the person (a place, or a place in the queue), then go back."""
    if booking.status == Booking.Status.WAITLISTED:
        messages.success(request, "You are on the waiting list. If a place comes up, it is yours automatically.")
    else:
        messages.success(request, "Your place is booked.")
    return redirect(back)


def refused(request: HttpRequest, exc: SignupRefused, *, back: str, group_code: str,
            intent: str = "", session_code: str = "") -> HttpResponse:
    """Show why, and change nothing; ground rules send the person to read them,
    then continue with what they asked for."""
    if isinstance(exc, GroundRulesRequired):
        query = urlencode({k: v for k, v in {"intent": intent, "session": session_code, "next": back}.items() if v})
        return redirect(f"{reverse('signups:ground_rules', args=[group_code])}?{query}")
    messages.error(request, exc.message)
    return redirect(back)
