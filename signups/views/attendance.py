"""The register, feedback, and the facilitators' feedback summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.decorators import audited
from core.ratelimit import FEEDBACK, rate_limited
from groups.access import get_facilitated_group, get_facilitated_session, get_session_for_user
from signups.errors import SignupRefused
from signups.forms import FeedbackForm, RegisterForm
from signups.models import SessionRegister
from signups.selectors import MIN_FEEDBACK_RESPONSES, bookings_for_user, feedback_for_group, register_bookings
from signups.services import attendance_register_save, feedback_allowed, feedback_give


@login_required
@audited("register.view", object_type="groups.groupsession")
def register(request, code: str):
    session = get_facilitated_session(request.user, code)
    form = RegisterForm(request.POST if request.method == "POST" else None, bookings=register_bookings(session))
    if request.method == "POST" and form.is_valid():
        try:
            attendance_register_save(session=session, marks=form.marks(), taken_by=request.user)
        except SignupRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The register is saved.")
            return redirect("signups:session", session.code)
    taken = SessionRegister.objects.filter(session=session, automatic=False).first()
    context = {"session": session, "group": session.group, "form": form, "taken": taken,
               "started": session.starts_at <= timezone.now()}
    return render(request, "signups/register.html", context)


@login_required
@rate_limited(FEEDBACK)
def feedback(request, code: str):
    session, _ = get_session_for_user(request.user, code)
    booking = bookings_for_user(user=request.user, sessions=[session]).get(session.pk)
    if booking is None:
        raise Http404("No place at this session")
    if not feedback_allowed(booking, now=timezone.now()):
        messages.info(request, "Feedback for this session is closed, or you have already given it. Thank you.")
        return redirect("signups:session", session.code)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_give(booking=booking, **form.cleaned_data)
        except SignupRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Thank you for your feedback.")
        return redirect("signups:my_sessions")
    return render(request, "signups/feedback.html", {"session": session, "group": session.group, "form": form})


@login_required
@audited("feedback.view", object_type="groups.peergroup")
def group_feedback(request, code: str):
    group = get_facilitated_group(request.user, code)
    feedback = feedback_for_group(group, now=timezone.now())
    context = {"group": group, "feedback": feedback, "smallest": MIN_FEEDBACK_RESPONSES}
    return render(request, "signups/group_feedback.html", context)
