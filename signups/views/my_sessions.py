from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from signups.selectors import my_sessions as my_sessions_selector
from signups.services import feedback_allowed


@login_required
def my_sessions(request):
    now = timezone.now()
    mine = my_sessions_selector(user=request.user, now=now)
    # Past places whose feedback is still open to this person.
    feedback_open = {booking.pk for booking in mine.past if feedback_allowed(booking, now=now)}
    return render(request, "signups/my_sessions.html", {"mine": mine, "now": now, "feedback_open": feedback_open})
