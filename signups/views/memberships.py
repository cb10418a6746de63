"""Ground rules, applying to and leaving closed groups, and the facilitator's
applications pages."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.decorators import audited
from core.ratelimit import APPLICATION, BOOKING, rate_limited
from groups.access import get_facilitated_group, get_group_for_user, get_managed_group
from groups.eligibility import eligibility_refusal
from groups.models import GroupSession
from signups.errors import GroundRulesRequired, SignupRefused
from signups.forms import ApplicationForm, DecisionForm, GroundRulesForm, IntakeForm
from signups.models import Membership
from signups.selectors import (
    applications_for_group,
    ground_rules_pending,
    join_facts,
    members_count,
    membership_for_user,
)
from signups.services import (
    booking_create,
    ground_rules_accept,
    group_intake_set,
    membership_apply,
    membership_decide,
    membership_leave,
    membership_withdraw,
)
from signups.views.common import booked, refused, safe_next

INTENTS = ("book", "waitlist", "apply")


def _group_back(request, group) -> str:
    return safe_next(request, reverse("groups:detail", args=[group.code]))


@login_required
@rate_limited(BOOKING)  # agreeing can go on to book a place
def ground_rules(request, code: str):
    """Read and agree to a group's ground rules, then carry on with what the
    person was doing (booking a place, joining a waiting list, applying)."""
    group, _ = get_group_for_user(request.user, code)
    rules = group.current_ground_rules
    intent = request.GET.get("intent", "") if request.GET.get("intent") in INTENTS else ""
    session_code = request.GET.get("session", "")[:16]
    back = _group_back(request, group)
    if rules is None:
        return redirect(back)
    accepted = ground_rules_pending(group=group, facts=join_facts(user=request.user, group=group)) is None
    form = GroundRulesForm(request.POST if request.method == "POST" else None, current_version=rules.version)
    if request.method == "POST" and form.is_valid():
        ground_rules_accept(user=request.user, ground_rules=rules)
        return _continue(request, group=group, intent=intent, session_code=session_code, back=back)
    context = {"group": group, "rules": rules, "form": form, "accepted": accepted, "back": back}
    return render(request, "signups/ground_rules.html", context)


def _continue(request, *, group, intent: str, session_code: str, back: str):
    if intent == "apply":
        return redirect(f"{reverse('signups:apply', args=[group.code])}?{urlencode({'next': back})}")
    session = GroupSession.objects.filter(group=group, code=session_code).select_related("group").first()
    if intent not in ("book", "waitlist") or session is None:
        messages.success(request, "Thank you for agreeing to the ground rules.")
        return redirect(back)
    try:
        booking = booking_create(session=session, user=request.user, join_waitlist=intent == "waitlist")
    except SignupRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return booked(request, booking, back=back)


@login_required
@rate_limited(APPLICATION)
def apply(request, code: str):
    group, _ = get_group_for_user(request.user, code)
    back = _group_back(request, group)
    if not group.is_closed:
        raise Http404("Not a closed group")
    membership = membership_for_user(user=request.user, group=group)
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_apply(group=group, user=request.user, note=form.cleaned_data["note"])
        except GroundRulesRequired as exc:
            return refused(request, exc, back=back, group_code=group.code, intent="apply")
        except SignupRefused as exc:
            # Shown above the form, which keeps what the person typed.
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your application has been sent. The facilitator will reply to you.")
            return redirect(back)
    refusal = eligibility_refusal(group, request.user)
    if request.method == "GET" and refusal:  # before the ground rules: say it first
        messages.error(request, refusal)
        return redirect(back)
    pending = request.method == "GET" and ground_rules_pending(
        group=group, facts=join_facts(user=request.user, group=group))
    if pending:
        query = urlencode({"intent": "apply", "next": back})
        return redirect(f"{reverse('signups:ground_rules', args=[group.code])}?{query}")
    context = {"group": group, "form": form, "membership": membership, "back": back}
    return render(request, "signups/apply.html", context)


@login_required
@require_POST
@rate_limited(APPLICATION)
def withdraw(request, code: str):
    group, _ = get_group_for_user(request.user, code)
    membership = membership_for_user(user=request.user, group=group)
    if membership is not None:
        membership_withdraw(membership=membership)
        messages.success(request, "Your application has been withdrawn.")
    return redirect(_group_back(request, group))


@login_required
@require_POST
def leave(request, code: str):
    group, _ = get_group_for_user(request.user, code)
    membership = membership_for_user(user=request.user, group=group)
    if membership is not None and membership.status == Membership.Status.ACCEPTED:
        membership_leave(membership=membership)
        messages.success(request, "You have left the group. Your places at its sessions are cancelled.")
    return redirect(_group_back(request, group))


@login_required
@audited("applications.view", object_type="groups.peergroup")
def applications(request, code: str):
    group = get_facilitated_group(request.user, code)
    rows = list(applications_for_group(group))
    pending = [m for m in rows if m.status in (Membership.Status.APPLIED, Membership.Status.CONVERSATION)]
    members = [m for m in rows if m.status == Membership.Status.ACCEPTED]
    others = [m for m in rows if m not in pending and m not in members]
    context = {"group": group, "pending": pending, "members": members, "others": others,
               "members_count": members_count(group)}
    return render(request, "signups/applications.html", context)


@login_required
@audited("application.view", object_type="signups.membership", kwarg="membership_code")
def decide(request, code: str, membership_code: str):
    group = get_facilitated_group(request.user, code)
    membership = Membership.objects.filter(group=group, code=membership_code).select_related("user").first()
    if membership is None:
        raise Http404("No application found")
    # A joining conversation comes before a decision, so it is offered once.
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        conversation_offered=membership.status == Membership.Status.APPLIED,
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership_decide(membership=membership, **form.cleaned_data)
        except SignupRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Your decision on {membership.user.display_name}'s application is saved.")
            return redirect("signups:applications", group.code)
    return render(request, "signups/decide.html", {"group": group, "membership": membership, "form": form})


@login_required
@require_POST
def intake(request, code: str):
    group = get_managed_group(request.user, code)
    form = IntakeForm(request.POST)
    if form.is_valid():
        group_intake_set(group=group, intake_open=form.cleaned_data["intake_open"])
        messages.success(request, "The group is " + ("now taking applications." if group.intake_open
                                                     else "no longer taking applications."))
    return redirect("signups:applications", group.code)
