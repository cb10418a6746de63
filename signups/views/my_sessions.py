from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from signups.selectors import my_sessions as my_sessions_selector
from signups.services import feedback_allowed


@login_required
def my_sessions(request):
    now = timezone.now()
    mine = my_sessions_selector(user=request.user, now=now)
    for booking in mine.past:
        booking.can_give_feedback = feedback_allowed(booking, now=now)
    return render(request, "signups/my_sessions.html", {"mine": mine, "now": now})
