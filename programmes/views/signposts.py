"""A programme's own "Need help now?" entries, for its admins: add, change,
remove and reorder. Anyone else, and any entry of another programme: 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from programmes.access import get_administered_programme
from programmes.forms import SignpostForm
from programmes.models import SIGNPOSTS_MAX, Programme, Signpost
from programmes.services import signpost_add, signpost_move, signpost_remove, signpost_update
from programmes.views.common import form_saved, person


def _signpost(request: HttpRequest, code: str, signpost_code: str) -> tuple[Programme, Signpost]:
    programme = get_administered_programme(request.user, code)
    return programme, get_object_or_404(Signpost, programme=programme, code=signpost_code)


@login_required
@require_http_methods(["GET", "POST"])
def signposts(request: HttpRequest, code: str) -> HttpResponse:
    """The list, and a form to add an entry."""
    programme = get_administered_programme(request.user, code)
    form = SignpostForm(request.POST if request.method == "POST" else None)

    def add(data: dict[str, Any]) -> tuple[str, HttpResponse]:
        signpost_add(programme=programme, name=data["name"], detail=data["detail"], href=data["href"],
                     actor=person(request), request=request)
        return f"{data['name']} added.", redirect("programmes:signposts", code=programme.code)

    if saved := form_saved(request, form, add):
        return saved
    entries = list(programme.signposts.all())
    return render(request, "programmes/signposts.html", {
        "programme": programme, "form": form, "entries": entries, "full": len(entries) >= SIGNPOSTS_MAX,
        "max": SIGNPOSTS_MAX})


@login_required
@require_http_methods(["GET", "POST"])
def signpost_edit(request: HttpRequest, code: str, signpost_code: str) -> HttpResponse:
    programme, signpost = _signpost(request, code, signpost_code)
    name = signpost.name
    form = SignpostForm(request.POST if request.method == "POST" else None, instance=signpost)

    def update(data: dict[str, Any]) -> tuple[str, HttpResponse]:
        signpost_update(signpost=signpost, name=data["name"], detail=data["detail"], href=data["href"],
                        actor=person(request), request=request)
        return f"{data['name']} saved.", redirect("programmes:signposts", code=programme.code)

    if saved := form_saved(request, form, update):
        return saved
    return render(request, "programmes/signpost_edit.html", {"programme": programme, "form": form, "name": name})


@login_required
@require_POST
def signpost_remove_view(request: HttpRequest, code: str, signpost_code: str) -> HttpResponse:
    programme, signpost = _signpost(request, code, signpost_code)
    signpost_remove(signpost=signpost, actor=person(request), request=request)
    messages.success(request, f"{signpost.name} removed.")
    return redirect("programmes:signposts", code=programme.code)


@login_required
@require_POST
def signpost_move_view(request: HttpRequest, code: str, signpost_code: str) -> HttpResponse:
    programme, signpost = _signpost(request, code, signpost_code)
    direction = request.POST.get("direction", "")
    try:
        moved = signpost_move(signpost=signpost, direction=direction, actor=person(request), request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if moved:
            messages.success(request, f"{signpost.name} moved {direction}.")
    return redirect("programmes:signposts", code=programme.code)
