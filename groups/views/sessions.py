"""One session, for its group's facilitators: the roster, move, cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.decorators import audited
from groups.access import get_facilitated_session, get_managed_session
from groups.forms import SessionCancelForm, SessionMoveForm, add_service_errors
from groups.models import GroupSession
from groups.services import session_cancel, session_move
from groups.views.common import posted
from signups.selectors import roster as roster_of
from signups.selectors import sessions_with_counts


@login_required
@require_GET
@audited("roster.view", object_type="groups.groupsession")
def roster(request, code: str):
    session = get_facilitated_session(request.user, code)
    session = sessions_with_counts(GroupSession.objects.filter(pk=session.pk).select_related("group")).get()
    return render(request, "groups/roster.html", {"session": session, "group": session.group,
                                                  "names": roster_of(session=session)})


@login_required
@require_http_methods(["GET", "POST"])
def move(request, code: str):
    session = get_managed_session(request.user, code)
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    form = SessionMoveForm(posted(request), initial={
        "date": start.date(), "start_time": start.time(), "end_time": end.time()})
    if request.method == "POST" and form.is_valid():
        try:
            session_move(session=session, starts_at=form.cleaned_data["starts_at"],
                         ends_at=form.cleaned_data["ends_at"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session moved. People with places will be told.")
            return redirect("groups:manage", code=session.group.code)
    return render(request, "groups/session_move.html", {"form": form, "session": session, "group": session.group})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, code: str):
    session = get_managed_session(request.user, code)
    form = SessionCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        session_cancel(session=session, reason=form.cleaned_data["reason"])
        messages.success(request, "Session cancelled. People with places will be told.")
        return redirect("groups:manage", code=session.group.code)
    return render(request, "groups/session_cancel.html", {"form": form, "session": session, "group": session.group})
