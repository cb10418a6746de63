"""A person's own data: see what is held, download it, delete the account.

There are no codes in these URLs: each page acts only on the person signed
in, so nobody can reach anyone else's data through them.
"""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_record
from privacy.forms import EraseForm
from privacy.selectors import personal_data_export, sole_facilitated_groups
from privacy.services import ErasureRefused, account_erase
from privacy.services.retention import retention_months

ERASED_FLAG = "privacy_account_erased"


@login_required
@require_GET
def index(request):
    return render(request, "privacy/index.html", {
        "attendance_months": retention_months("RETENTION_ATTENDANCE_MONTHS"),
        "comment_months": retention_months("RETENTION_FEEDBACK_COMMENT_MONTHS"),
    })


@login_required
@require_POST
@never_cache
def export(request):
    now = timezone.now()
    data = personal_data_export(user=request.user, now=now)
    audit_record(actor=request.user, action="data.export", obj=request.user, request=request, at=now)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localdate(now):%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _delete_page(request, form: EraseForm):
    return render(request, "privacy/delete.html", {
        "form": form, "blocking_groups": sole_facilitated_groups(user=request.user),
    })


@login_required
@require_GET
def delete(request):
    return _delete_page(request, EraseForm())


def _confirmed(request) -> bool:
    return EraseForm(request.POST).is_valid()


@login_required
@require_POST
# Only a ticked box goes on to the password check: an unticked one is shown
# its error first. allauth keeps the POST while the person confirms who they
# are, then replays it here.
@reauthentication_required(enabled=_confirmed)
def erase(request):
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _delete_page(request, form)
    try:
        account_erase(user=request.user)
    except ErasureRefused as refusal:
        form.add_error(None, refusal.message)
        return _delete_page(request, form)
    logout(request)
    request.session[ERASED_FLAG] = True
    return redirect("privacy:erased")


@require_GET
def erased(request):
    if not request.session.pop(ERASED_FLAG, False):
        return redirect("home")
    return render(request, "privacy/erased.html")
