"""Creating a programme (installation admins) and editing its details (its
admins): who may join, contacts, default ground rules. Anyone else: 404."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from programmes.access import get_administered_programme, is_installation_admin
from programmes.forms import ProgrammeCreateForm, ProgrammeForm
from programmes.services import programme_create, programme_update
from programmes.views.common import form_saved, person


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not is_installation_admin(request.user):
        raise Http404("No page here")
    form = ProgrammeCreateForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> tuple[str, HttpResponse]:
        programme = programme_create(
            name=data["name"], all_nhs_staff=data["all_nhs_staff"], email_domains=data["email_domains"],
            organisations=data["organisations"], first_admin_email=data["admin_email"],
            actor=person(request), request=request)
        return (f"{programme.name} is set up. We have emailed an invitation to {data['admin_email']} to be its admin.",
                redirect("programmes:edit", code=programme.code))

    if saved := form_saved(request, form, save):
        return saved
    return render(request, "programmes/create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_administered_programme(request.user, code)
    installation_admin = is_installation_admin(request.user)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, installation_admin=installation_admin)
    else:
        form = ProgrammeForm(initial=ProgrammeForm.initial_for(programme), installation_admin=installation_admin)

    def save(data: dict[str, Any]) -> tuple[str, HttpResponse]:
        changes = dict(data)
        organisations = changes.pop("organisations")
        programme_update(programme=programme, changes=changes, organisations=organisations,
                         actor=person(request), request=request)
        return "Programme details saved.", redirect("programmes:edit", code=programme.code)

    if saved := form_saved(request, form, save):
        return saved
    return render(request, "programmes/edit.html", {"programme": programme, "form": form})
