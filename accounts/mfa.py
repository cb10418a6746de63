"""Two-factor authentication policy on top of allauth.mfa.

TOTP secrets and recovery-code seeds are encrypted at rest with a key derived
from MFA_ENCRYPTION_KEY (or SECRET_KEY when that is unset: set a dedicated
key in production so rotating SECRET_KEY doesn't lock people out).
Facilitators, programme admins, staff and superusers (the Django admin) must
use two-factor authentication, so they
cannot remove their last authenticator. A sign-in through an NHS identity
provider may stand in for it where the deployment trusts that provider's
multi-factor assertion (`provider_mfa_trusted`; off by default).
"""

import base64
import hashlib
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from cryptography.fernet import Fernet
from django.conf import settings

from accounts.roles import is_facilitator, is_programme_admin


@cache
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(("wellbeing.mfa:" + key_material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _cipher() -> Fernet:
    return _fernet(settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY)


def mfa_required(user) -> bool:
    """Whether this person must use two-factor authentication."""
    return user.is_authenticated and (
        is_facilitator(user) or is_programme_admin(user) or user.is_staff or user.is_superuser
    )


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_setup_needed(user, session) -> bool:
    """Whether this person must set up two-factor authentication before going
    on: the one rule for pages (`MfaRequiredMiddleware`) and room sockets.
    Once satisfied it is remembered in the session (people who must use it
    cannot remove their last authenticator)."""
    if not user.is_authenticated or session.get("mfa_ok") or not mfa_required(user):
        return False
    if has_totp(user):
        session["mfa_ok"] = True
        return False
    return True


def provider_mfa_trusted(sociallogin) -> bool:
    """Whether this sign-in's ID token asserts a multi-factor sign-in that
    the deployment chose to trust for this provider (README, "NHS sign-in"):
    `amr` containing "mfa" (OIDC_<ID>_TRUST_AMR_MFA) or an `acr` listed in
    OIDC_<ID>_TRUST_ACR, such as a CIS2 smartcard's. Off by default."""
    if sociallogin is None:
        return False
    app_settings = sociallogin.account.get_provider().app.settings
    claims = sociallogin.account.extra_data.get("id_token") or {}
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else amr
    if app_settings.get("trust_amr_mfa") and "mfa" in amr:
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in app_settings.get("trust_acr", [])


def mfa_asserted_by_provider(session) -> None:
    """Remember, for this signed-in session only, that the provider's
    trusted assertion stands in for our own second factor."""
    session["mfa_ok"] = True


class ProviderAwareAuthenticateStage(AuthenticateStage):
    """allauth's "enter your TOTP code" step at sign-in, skipped when the
    provider asserted a multi-factor sign-in this deployment trusts."""

    def _should_handle(self, request) -> bool:
        if provider_mfa_trusted((self.login.signal_kwargs or {}).get("sociallogin")):
            return False
        return super()._should_handle(request)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _cipher().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
