from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.forms import ProfileForm
from accounts.services import profile_save


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def onboarding(request):
    if request.user.is_onboarded:
        return redirect("accounts:profile")
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Thank you. Your profile is set up.")
        return redirect(_safe_next(request, "/"))
    return render(request, "accounts/onboarding.html", {"form": form, "next": _safe_next(request, "")})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile has been updated.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
