"""Facilitators' pages: groups I run, create and edit, manage one group,
publish, archive and co-facilitators. Anyone who may not manage a group gets
a 404, so these URLs never confirm that a group exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_facilitator, is_programme_admin
from core.dates import clock
from groups.access import facilitates, get_managed_group
from groups.formats import defaults_as_json, format_rows
from groups.forms import CoFacilitatorForm, GroupForm, add_service_errors, chosen_programme, programme_choice_add
from groups.models import Facilitation, PeerGroup
from groups.selectors import facilitators_of
from groups.services import (
    archive_preview,
    facilitator_add,
    facilitator_remove,
    group_archive,
    group_create,
    group_publish,
    group_restore,
    group_update,
    restore_refusal,
    schedule_plan,
)
from groups.views.common import posted
from programmes.access import facilitated_programmes, is_admin_of, is_admin_of_several
from signups.selectors import group_work_counts, groups_run_by, upcoming_sessions


def _form_context(form: GroupForm, group=None) -> dict:
    return {"form": form, "group": group, "defaults": defaults_as_json(), "format_rows": format_rows()}


@login_required
@require_GET
def facilitate(request):
    if not is_facilitator(request.user):
        return render(request, "groups/not_facilitator.html", status=403)
    return render(request, "groups/facilitate.html", {"groups": groups_run_by(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not is_facilitator(request.user):
        return render(request, "groups/not_facilitator.html", status=403)
    form = GroupForm(posted(request))
    programme_choice_add(form, list(facilitated_programmes(request.user)))
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(facilitator=request.user, details=form.details(), schedule=form.schedule_spec(),
                                 programme=chosen_programme(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Group saved as a draft. Check the sessions, then publish it.")
            return redirect("groups:manage", code=group.code)
    return render(request, "groups/form.html", _form_context(form))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, code: str):
    """Edit a group. When the schedule change would move, cancel or keep
    existing sessions of a group people can join, a confirmation page shows
    what will happen first (the form's data rides along in hidden fields, so
    "Go back" returns to the form as typed, without JavaScript)."""
    group = get_managed_group(request.user, code)
    form = GroupForm(posted(request), group=group)
    if request.method == "POST" and form.is_valid() and "back" not in request.POST:
        confirming = group.status != PeerGroup.Status.DRAFT
        if confirming and "confirm" not in request.POST:
            plan = schedule_plan(group=group, spec=form.schedule_spec(),
                                 duration_minutes=form.cleaned_data["duration_minutes"])
            if plan.needs_confirmation:
                return render(request, "groups/edit_confirm.html", _confirm_context(request, group, plan))
        try:
            group_update(group=group, details=form.details(), schedule=form.schedule_spec(),
                         expected_plan=request.POST.get("plan", "") if "confirm" in request.POST else None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("groups:manage", code=group.code)
    return render(request, "groups/form.html", _form_context(form, group))


def _slot_label(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {clock(local)}"


def _confirm_context(request, group, plan) -> dict:
    moves: dict[tuple[str, str], int] = {}
    for change in plan.of("move"):
        key = (_slot_label(change.session.starts_at), _slot_label(change.starts_at))
        moves[key] = moves.get(key, 0) + 1
    carried = [(name, value) for name in request.POST for value in request.POST.getlist(name)
               if name not in ("csrfmiddlewaretoken", "confirm", "back", "plan")]
    return {
        "group": group, "plan": plan, "carried": carried, "fingerprint": plan.fingerprint(),
        "moves": [{"count": n, "before": before, "after": after} for (before, after), n in moves.items()],
        "moved": plan.of("move"), "cancelled": plan.of("cancel"), "deleted": plan.of("delete"),
        "kept_moved": plan.kept_moved, "kept_cancelled": plan.kept_cancelled,
        "kept_total": len(plan.of("keep")),
        "people_moved": plan.people("move"), "people_cancelled": plan.people("cancel"),
    }


def _manage_page(request, group, *, publish_errors=()):
    facilitating = facilitates(request.user, group)
    return render(request, "groups/manage.html", {
        "restore_refusal": restore_refusal(group) if group.status == PeerGroup.Status.ARCHIVED else None,
        # People's rows: for the group's own facilitators only.
        "counts": group_work_counts(group=group) if facilitating else None,
        "group": group, "sessions": upcoming_sessions(group=group), "facilitators": facilitators_of(group),
        "schedule": getattr(group, "schedule", None),
        # Programme admins manage the group but never see who booked.
        "facilitates": facilitates(request.user, group),
        "publish_errors": publish_errors,
        # Moving it to another programme: for those who run this one and another.
        "can_move": is_admin_of(request.user, group.programme_id) and is_admin_of_several(request.user),
    })


@login_required
@require_GET
def manage(request, code: str):
    return _manage_page(request, get_managed_group(request.user, code))


@login_required
@require_POST
def publish(request, code: str):
    group = get_managed_group(request.user, code)
    try:
        group_publish(group=group)
    except ValidationError as error:
        # The NHS.UK error summary at the top of the manage page, saying why.
        return _manage_page(request, group, publish_errors=error.messages)
    messages.success(request, "Group published. People can now find it.")
    return redirect("groups:manage", code=group.code)


@login_required
@require_http_methods(["GET", "POST"])
def archive(request, code: str):
    """Ask first, saying what archiving does (the NHS.UK confirmation page,
    no JavaScript); the form posts back here."""
    group = get_managed_group(request.user, code)
    if group.status == PeerGroup.Status.ARCHIVED:
        messages.info(request, "This group is already archived.")
        return redirect("groups:manage", code=group.code)
    if request.method == "GET":
        sessions, people = archive_preview(group=group)
        return render(request, "groups/archive_confirm.html",
                      {"group": group, "sessions_count": sessions, "people_count": people})
    group_archive(group=group)
    messages.success(request, "Group archived. Its future sessions are cancelled and people with places are told.")
    return redirect("groups:manage", code=group.code)


@login_required
@require_POST
def restore(request, code: str):
    group = get_managed_group(request.user, code)
    try:
        restored = group_restore(group=group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Group restored. {len(restored)} session{pluralize(len(restored))} "
                                  "back on, and people with places are told.")
    return redirect("groups:manage", code=group.code)


@login_required
@require_http_methods(["GET", "POST"])
def facilitators(request, code: str):
    group = get_managed_group(request.user, code)
    form = CoFacilitatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            facilitator_add(group=group, email=form.cleaned_data["email"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Co-facilitator added.")
            return redirect("groups:facilitators", code=group.code)
    return render(request, "groups/facilitators.html", {
        "group": group, "form": form, "facilitators": facilitators_of(group)})


@login_required
@require_POST
def facilitator_remove_view(request, code: str, facilitation_code: str):
    group = get_managed_group(request.user, code)
    facilitation = get_object_or_404(Facilitation, group=group, code=facilitation_code)
    try:
        facilitator_remove(group=group, facilitation=facilitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("groups:facilitators", code=group.code)
    messages.success(request, "Facilitator removed.")
    if facilitation.user_id == request.user.pk and not is_programme_admin(request.user):
        return redirect("groups:facilitate")  # they no longer manage this group
    return redirect("groups:facilitators", code=group.code)
