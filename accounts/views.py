from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import ProfileForm
from accounts.middleware import seconds_until_idle_timeout, touch_session
from accounts.services import profile_save


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: `redirect` would take a bare word such as "0" for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def onboarding(request):
    if request.user.is_onboarded:
        return redirect("accounts:profile")
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Thank you. Your profile is set up.")
        return redirect(_safe_next(request, "/"))
    return render(request, "accounts/onboarding.html", {"form": form, "next": _safe_next(request, "")})


@login_required
def profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile has been updated.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def session_extend(request):
    """"Stay signed in": records activity now. JSON for the page's script,
    a redirect back for a plain form post."""
    touch_session(request, force=True)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"seconds_left": seconds_until_idle_timeout(request)})
    return redirect(_safe_next(request, "/"))
