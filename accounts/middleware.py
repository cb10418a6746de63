from django.shortcuts import redirect
from django.urls import reverse

# Paths a person may visit before finishing onboarding: the account pages
# (sign out, verify email, MFA), help, health checks and static files.
_OPEN_PREFIXES = ("/accounts/", "/help/", "/healthz", "/static/", "/admin/", "/privacy/", "/accessibility/")


class OnboardingRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        onboarding = reverse("accounts:onboarding")
        if (
            user.is_authenticated
            and not user.is_onboarded
            and request.path != onboarding
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{onboarding}?next={request.path}")
        return self.get_response(request)
