from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from accounts.mfa import MFAAdapter
from accounts.tests.factories import role_grant


def test_totp_secrets_are_encrypted_at_rest(practitioner):
    secret = generate_totp_secret()
    TOTP.activate(practitioner, secret)
    stored = Authenticator.objects.get(user=practitioner, type=Authenticator.Type.TOTP).data
    assert secret not in str(stored)
    assert MFAAdapter().decrypt(stored["secret"]) == secret


def test_a_facilitator_cannot_remove_their_only_authenticator(facilitator):
    authenticator = Authenticator.objects.get(user=facilitator, type=Authenticator.Type.TOTP)
    assert not MFAAdapter().can_delete_authenticator(authenticator)


def test_a_practitioner_may_remove_theirs(practitioner):
    authenticator = TOTP.activate(practitioner, generate_totp_secret()).instance
    assert MFAAdapter().can_delete_authenticator(authenticator)


def test_a_facilitator_without_two_factor_must_set_it_up_first(client, facilitator):
    Authenticator.objects.filter(user=facilitator).delete()
    client.force_login(facilitator)
    response = client.get(reverse("groups:facilitate"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # Account pages (to set it up, or sign out) and help stay reachable.
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.get(reverse("need_help")).status_code == 200


def test_a_programme_admin_without_two_factor_cannot_open_reports(client, programme_admin):
    Authenticator.objects.filter(user=programme_admin).delete()
    client.force_login(programme_admin)
    assert client.get(reverse("reports:index")).url == reverse("mfa_activate_totp")


def test_a_facilitator_with_two_factor_goes_straight_through(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("groups:facilitate")).status_code == 200


def test_practitioners_are_not_asked_for_two_factor(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("home")).status_code == 200


def test_a_role_granted_later_requires_two_factor_at_the_next_request(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("home")).status_code == 200
    role_grant(user=practitioner, role="facilitator")
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
