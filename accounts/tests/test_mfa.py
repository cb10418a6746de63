from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.mfa import MFAAdapter


def test_totp_secrets_are_encrypted_at_rest(practitioner):
    secret = generate_totp_secret()
    TOTP.activate(practitioner, secret)
    stored = Authenticator.objects.get(user=practitioner, type=Authenticator.Type.TOTP).data
    assert secret not in str(stored)
    assert MFAAdapter().decrypt(stored["secret"]) == secret


def test_a_facilitator_cannot_remove_their_only_authenticator(facilitator):
    authenticator = TOTP.activate(facilitator, generate_totp_secret()).instance
    assert not MFAAdapter().can_delete_authenticator(authenticator)


def test_a_practitioner_may_remove_theirs(practitioner):
    authenticator = TOTP.activate(practitioner, generate_totp_secret()).instance
    assert MFAAdapter().can_delete_authenticator(authenticator)
