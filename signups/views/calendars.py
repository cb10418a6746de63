"""Calendar files: one session's, and a person's private subscription feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from groups.access import get_session_for_user
from signups.ical import feed_ics, session_ics
from signups.models import CalendarFeed
from signups.selectors import bookings_for_user
from signups.services import calendar_feed_renew, calendar_feed_revoke


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def session_calendar(request, code: str):
    session, _ = get_session_for_user(request.user, code)
    booking = bookings_for_user(user=request.user, sessions=[session]).get(session.pk)
    return _ics(session_ics(session, booking), "peer-support-session.ics")


@login_required
def calendar(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("signups:calendar_feed", args=[feed.token])) if feed else ""
    webcal = url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
    return render(request, "signups/calendar.html", {"feed": feed, "feed_url": url, "webcal_url": webcal})


@login_required
@require_POST
def calendar_renew(request):
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    calendar_feed_renew(user=request.user)
    messages.success(request, "You have a new calendar address. The old one no longer works."
                     if had_feed else "Your calendar address is ready.")
    return redirect("signups:calendar")


@login_required
@require_POST
def calendar_revoke(request):
    calendar_feed_revoke(user=request.user)
    messages.success(request, "Your calendar address no longer works.")
    return redirect("signups:calendar")


@require_GET
@never_cache
def calendar_feed(request, token: str):
    """No sign-in: calendar programs fetch this. The long random token is the key."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404("No calendar found")
    response = _ics(feed_ics(feed.user), "peer-support.ics")
    response["Content-Disposition"] = 'inline; filename="peer-support.ics"'
    return response
