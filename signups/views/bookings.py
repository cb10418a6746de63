"""A session's page, booking, the waiting list and cancelling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.ratelimit import BOOKING, rate_limited
from groups.access import facilitates, get_session_for_user
from groups.eligibility import eligibility_refusal
from signups.errors import SignupRefused
from signups.models import Booking
from signups.selectors import bookings_for_user, membership_for_user, session_to_book
from signups.services import booking_cancel, booking_create, feedback_allowed
from signups.services.rules import booking_window_open
from signups.views.common import booked, refused, safe_next


@login_required
def session_detail(request, code: str):
    session, can_manage = get_session_for_user(request.user, code)
    booking = bookings_for_user(user=request.user, sessions=[session]).get(session.pk)
    context = {
        "session": session,
        "group": session.group,
        "booking": booking,
        "membership": membership_for_user(user=request.user, group=session.group),
        "can_manage": can_manage and facilitates(request.user, session.group),
        "can_give_feedback": booking is not None and feedback_allowed(booking, now=timezone.now()),
        "refusal": None if can_manage else eligibility_refusal(session.group, request.user),
    }
    return render(request, "signups/session_detail.html", context)


def _book(request, code: str, *, join_waitlist: bool):
    session, facts = session_to_book(user=request.user, code=code)
    back = safe_next(request, reverse("signups:session", args=[session.code]))
    try:
        booking = booking_create(session=session, user=request.user, join_waitlist=join_waitlist, facts=facts)
    except SignupRefused as exc:
        if exc.reason == "moved":  # its pages are no longer theirs to see
            back = reverse("groups:browse")
        intent = "waitlist" if join_waitlist else "book"
        return refused(request, exc, back=back, group_code=session.group.code, intent=intent,
                       session_code=session.code)
    return booked(request, booking, back=back)


@login_required
@require_POST
@rate_limited(BOOKING)
def session_book(request, code: str):
    return _book(request, code, join_waitlist=False)


@login_required
@require_POST
@rate_limited(BOOKING)
def session_waitlist(request, code: str):
    return _book(request, code, join_waitlist=True)


@login_required
@require_POST
@rate_limited(BOOKING)
def session_cancel(request, code: str):
    """Cancel this person's own place, or leave the waiting list."""
    session, _ = get_session_for_user(request.user, code)
    back = safe_next(request, reverse("signups:session", args=[session.code]))
    booking = bookings_for_user(user=request.user, sessions=[session]).get(session.pk)
    if booking is None or booking.status == Booking.Status.CANCELLED:
        messages.info(request, "You do not have a place at this session.")
        return redirect(back)
    was_waitlisted = booking.status == Booking.Status.WAITLISTED
    try:
        booking_cancel(booking=booking)
    except SignupRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, "You have left the waiting list." if was_waitlisted else "Your place is cancelled.")
    return redirect(back)


@login_required
@require_GET
def session_cancel_confirm(request, code: str):
    """Ask before giving up a place or leaving a waiting list (the NHS.UK
    confirmation page: a plain form, no JavaScript); the form posts to
    `session_cancel`."""
    session, _ = get_session_for_user(request.user, code)
    back = safe_next(request, reverse("signups:session", args=[session.code]))
    booking = bookings_for_user(user=request.user, sessions=[session]).get(session.pk)
    if booking is None or booking.status not in (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED):
        messages.info(request, "You do not have a place at this session.")
        return redirect(back)
    if session.is_cancelled or not booking_window_open(session, timezone.now()):
        messages.info(request, "This place can no longer be cancelled.")
        return redirect(back)
    context = {"session": session, "group": session.group, "back": back,
               "waitlisted": booking.status == Booking.Status.WAITLISTED}
    return render(request, "signups/cancel_confirm.html", context)
