"""Programme admins' pages: their programmes, who holds which role, invite
and remove people; and the page an invitation link opens. Anyone who does
not run the programme gets a 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.decorators import audited
from programmes.access import administered_programmes, get_administered_programme, is_installation_admin
from programmes.forms import InvitationForm
from programmes.models import Invitation, ProgrammeRole, Role
from programmes.selectors import open_invitations, people_of
from programmes.services import (
    InvitationRefused,
    invitation_accept,
    invitation_problem,
    invitation_send,
    invitation_withdraw,
    programme_role_revoke,
    token_hash,
)
from programmes.views.common import form_saved, person


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    programmes = list(administered_programmes(request.user).annotate(organisation_count=Count("organisations")))
    if not programmes:
        raise Http404("No page here")
    return render(request, "programmes/index.html", {
        "programmes": programmes, "installation_admin": is_installation_admin(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
@audited("programme_people.view", object_type="programmes.programme")
def people(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_administered_programme(request.user, code)
    form = InvitationForm(request.POST if request.method == "POST" else None)

    def invite(data: dict[str, Any]) -> tuple[str, HttpResponse]:
        invitation_send(programme=programme, email=data["email"], role=data["role"], invited_by=person(request),
                        request=request)
        return f"Invitation sent to {data['email']}.", redirect("programmes:people", code=programme.code)

    if saved := form_saved(request, form, invite):
        return saved
    held = list(people_of(programme))
    return render(request, "programmes/people.html", {
        "programme": programme, "form": form, "invitations": open_invitations(programme),
        "admins": [h for h in held if h.role == Role.ADMIN],
        "facilitators": [h for h in held if h.role == Role.FACILITATOR],
    })


@login_required
@require_POST
def role_remove(request: HttpRequest, code: str, role_code: str) -> HttpResponse:
    programme = get_administered_programme(request.user, code)
    held = get_object_or_404(ProgrammeRole.objects.select_related("user"), programme=programme, code=role_code)
    try:
        programme_role_revoke(held=held, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        who = held.user.display_name or held.user.email
        messages.success(request, f"{who} is no longer a {Role(held.role).label.lower()} in {programme.name}.")
    if held.user_id == request.user.pk and not administered_programmes(request.user).filter(pk=programme.pk).exists():
        return redirect("home")
    return redirect("programmes:people", code=programme.code)


@login_required
@require_POST
def invitation_withdraw_view(request: HttpRequest, code: str, invitation_code: str) -> HttpResponse:
    programme = get_administered_programme(request.user, code)
    invitation = get_object_or_404(Invitation, programme=programme, code=invitation_code)
    invitation_withdraw(invitation=invitation, actor=person(request), request=request)
    messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("programmes:people", code=programme.code)


# An invitation that cannot be accepted: the page says why, with this status.
REFUSAL_STATUS = {"used": 410, "withdrawn": 410, "expired": 410, "wrong_address": 403, "unverified": 403}


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: the person signs in (with the address it was sent
    to), reads what they are invited to, and accepts."""
    found = Invitation.objects.select_related("programme").filter(token_hash=token_hash(token)).first()
    if found is None:
        raise Http404("No invitation found")
    role = Role(found.role).label.lower()
    context = {"invitation": found, "programme": found.programme, "role": role}
    if request.method == "POST":
        try:
            invitation_accept(invitation=found, user=person(request), request=request)
        except InvitationRefused as refusal:
            return _refused(request, context, refusal)
        messages.success(request, f"You are now a {role} in {found.programme.name}.")
        return redirect("programmes:people", code=found.programme.code) if found.role == Role.ADMIN \
            else redirect("groups:facilitate")
    if problem := invitation_problem(found, person(request)):
        return _refused(request, context, problem)
    return render(request, "programmes/invitation.html", context)


def _refused(request: HttpRequest, context: dict, refusal: InvitationRefused) -> HttpResponse:
    return render(request, "programmes/invitation.html", {**context, "refusal": refusal},
                  status=REFUSAL_STATUS[refusal.reason])
