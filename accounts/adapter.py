from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings


def email_domain_allowed(email: str, allowed: list[str]) -> bool:
    """True when the address's domain is listed, or is under a "*.domain" entry."""
    domain = email.rsplit("@", 1)[-1].lower().strip(".")
    for entry in allowed:
        entry = entry.lower()
        if entry.startswith("*."):
            if domain.endswith(entry[1:]):
                return True
        elif domain == entry:
            return True
    return False


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # What every account email's footer needs (templates/account/email/base_message.txt).
        context = {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL,
                   "signposting": settings.SIGNPOSTING, **context}
        super().send_mail(template_prefix, email, context)

    def get_login_stages(self) -> list[str]:
        # allauth's TOTP step, aware of a provider's trusted multi-factor assertion.
        return [
            "accounts.mfa.ProviderAwareAuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    def get_logout_redirect_url(self, request) -> str:
        """Asked before the session ends: a person who signed in through a
        provider set to OIDC_<ID>_SIGN_OUT_AT_PROVIDER is signed out there
        too, and comes back to our usual page."""
        from accounts.oidc import provider_sign_out_url

        back = super().get_logout_redirect_url(request)
        return provider_sign_out_url(request, back=back) or back

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email, settings.SIGNUP_EMAIL_DOMAINS):
            raise forms.ValidationError(
                "Use your NHS work email address. This service is for NHS staff, so "
                "we accept addresses ending in "
                + ", ".join(d.replace("*.", "any subdomain of ") for d in settings.SIGNUP_EMAIL_DOMAINS)
                + "."
            )
        return email
