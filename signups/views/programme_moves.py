"""Moving a group to another programme: for installation admins and anyone
who runs both programmes (signups.services.programme_moves says when a
group may move). Everyone else gets a 404."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from groups.access import get_managed_group
from groups.models import PeerGroup
from programmes.access import administered_programmes, is_admin_of
from programmes.models import Programme
from signups.forms import ProgrammeMoveForm
from signups.services import group_programme_move
from signups.services.programme_moves import move_history


def _movable(user: User, code: str) -> tuple[PeerGroup, list[Programme]]:
    """The group and the other programmes this person runs, or 404."""
    group = get_managed_group(user, code)
    programme_id = cast(int, group.programme_id)
    if not is_admin_of(user, programme_id):
        raise Http404("No group found")
    others = list(administered_programmes(user).exclude(pk=programme_id))
    if not others:
        raise Http404("No group found")
    return group, others


@login_required
@require_http_methods(["GET", "POST"])
def programme_move(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    group, others = _movable(user, code)
    form = ProgrammeMoveForm(request.POST if request.method == "POST" else None, programmes=others)
    if request.method == "POST" and form.is_valid():
        try:
            group_programme_move(group=group, programme=form.chosen, actor=user, request=request)
        except ValidationError as error:
            form.add_error("programme", error.messages)
        else:
            messages.success(request, f"{group.title} is now in {form.chosen.name}.")
            return redirect("groups:manage", code=group.code)
    return render(request, "signups/programme_move.html", {
        "group": group, "form": form, "history": move_history(group)})
