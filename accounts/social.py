"""The rules for signing in with an NHS identity provider (allauth's
socialaccount adapter).

- The provider must say it has verified the email address, and the address
  must pass the same domain rules as sign-up.
- The ID token must carry the nonce we sent (accounts/oidc.py sends it).
- A new address makes a new account, which goes through onboarding like any
  other. An address that already has an account is never linked here: the
  person signs in as themselves (password or emailed code) and connects the
  provider from their profile, which asks them to confirm who they are.
- Every refusal and every failure shows one page in the NHS.UK error pattern
  and is logged with the provider and a reason, never who it was.
"""

import logging

import requests
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from accounts.adapter import email_domain_allowed
from accounts.models import User
from accounts.oidc import NONCE_STATE_KEY, IdTokenRejected, ProviderUnreachable, provider_claims

logger = logging.getLogger(__name__)

# Reason -> HTTP status of the page. The page's wording is in the template.
REASONS = {
    "cancelled": 403,  # the person cancelled, or the provider refused them (a closed account)
    "state": 400,  # no sign-in of ours under way matches the answer (state)
    "nonce": 400,  # the ID token was not issued for this sign-in
    "code": 400,  # the token endpoint refused the code (replayed, expired, wrong verifier)
    "id_token": 400,  # bad signature, issuer, audience or expiry
    "unreachable": 503,
    "provider": 400,  # any other error the provider answered with
    "unverified": 403,  # the provider has not verified the address
    "domain": 403,  # not an address this service accepts
    "no_email": 403,
    "existing": 409,  # an account has this address: sign in, then connect
}


def sign_in_refused(request: HttpRequest, provider, reason: str):
    """The error page for one refusal, logged without personal data."""
    logger.warning("NHS sign-in refused: provider=%s reason=%s", getattr(provider, "sub_id", "?"), reason)
    context = {"provider_name": getattr(provider, "name", "your organisation"), "reason": reason}
    return render(request, "socialaccount/authentication_error.html", context, status=REASONS[reason])


def _failure_reason(error, exception, extra_context: dict) -> str:
    if error == AuthError.CANCELLED:
        return "cancelled"
    if "state" not in extra_context and exception is None:
        return "state"
    if isinstance(exception, IdTokenRejected):
        return "id_token"
    if isinstance(exception, ProviderUnreachable | requests.RequestException):
        return "unreachable"
    if isinstance(exception, OAuth2Error):
        return "code"
    return "provider"


def _email_refusal(sociallogin: SocialLogin) -> str | None:
    addresses = sociallogin.email_addresses
    if not addresses:
        # allauth drops an address our account adapter refuses (the domain rule).
        asserted = provider_claims(sociallogin.account.extra_data).get("email")
        return "domain" if asserted else "no_email"
    if not addresses[0].verified:
        return "unverified"
    if not email_domain_allowed(addresses[0].email, settings.SIGNUP_EMAIL_DOMAINS):
        return "domain"
    return None


def _nonce_matches(sociallogin: SocialLogin) -> bool:
    sent = (sociallogin.state or {}).get(NONCE_STATE_KEY)
    got = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
    return bool(sent) and sent == got


def _address_has_account(email: str) -> bool:
    return (User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists())


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = sociallogin.account.get_provider()
        reason = None
        if not _nonce_matches(sociallogin):
            reason = "nonce"
        else:
            reason = _email_refusal(sociallogin)
        if (reason is None and not sociallogin.is_existing
                and sociallogin.state.get("process") != AuthProcess.CONNECT
                and _address_has_account(sociallogin.email_addresses[0].email)):
            reason = "existing"
        if reason:
            raise ImmediateHttpResponse(sign_in_refused(request, provider, reason))

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        reason = _failure_reason(error, exception, extra_context or {})
        raise ImmediateHttpResponse(sign_in_refused(request, provider, reason))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        """Only the (verified) address: the display name is the person's own
        choice at onboarding, never their real name from the provider."""
        user = sociallogin.user
        user.email = (data.get("email") or "").lower()
        return user
