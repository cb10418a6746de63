from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from programmes.models import Invitation, ProgrammeRole


def _people(programme) -> str:
    return reverse("programmes:people", args=[programme.code])


def test_the_people_page_shows_who_holds_which_role(client, trust, trust_admin, trust_facilitator):
    client.force_login(trust_admin)
    page = client.get(_people(trust)).content.decode()
    assert trust_admin.email in page
    assert trust_facilitator.email in page
    assert AuditEvent.objects.filter(action="programme_people.view", object_code=trust.code).exists()


def test_another_programmes_admin_gets_404_everywhere(client, trust, trust_facilitator, programme_admin):
    client.force_login(programme_admin)
    held = ProgrammeRole.objects.get(user=trust_facilitator)
    assert client.get(_people(trust)).status_code == 404
    assert client.post(reverse("programmes:role_remove", args=[trust.code, held.code])).status_code == 404
    assert ProgrammeRole.objects.filter(pk=held.pk).exists()


def test_a_role_of_another_programme_is_404_in_this_programmes_url(client, trust, trust_admin, national,
                                                                 facilitator):
    client.force_login(trust_admin)
    held = ProgrammeRole.objects.get(user=facilitator, programme=national)
    assert client.post(reverse("programmes:role_remove", args=[trust.code, held.code])).status_code == 404


def test_inviting_from_the_page_sends_the_email(client, trust, trust_admin, django_capture_on_commit_callbacks):
    client.force_login(trust_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_people(trust), {"email": "co.admin@trustb.nhs.uk", "role": "programme_admin"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["co.admin@trustb.nhs.uk"]
    assert "co.admin@trustb.nhs.uk" in client.get(_people(trust)).content.decode()


def test_a_bad_invitation_form_shows_the_error_summary(client, trust, trust_admin):
    client.force_login(trust_admin)
    response = client.post(_people(trust), {"email": "not an address" * 50, "role": "wizard"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert "Select a role" in page
    assert not Invitation.objects.exists()


def test_removing_a_facilitator(client, trust, trust_admin, trust_facilitator):
    client.force_login(trust_admin)
    held = ProgrammeRole.objects.get(user=trust_facilitator)
    response = client.post(reverse("programmes:role_remove", args=[trust.code, held.code]))
    assert response.status_code == 302
    assert not ProgrammeRole.objects.filter(pk=held.pk).exists()


@pytest.fixture
def link(client, trust, trust_admin, django_capture_on_commit_callbacks):
    client.force_login(trust_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_people(trust), {"email": "invitee@trustb.nhs.uk", "role": "facilitator"})
    client.logout()
    return "/programmes/invitations/" + mail.outbox[-1].body.split("/programmes/invitations/", 1)[1].split()[0]


def test_the_link_asks_for_sign_in_first(client, link):
    response = client.get(link)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_accepting_through_the_link(client, link, trust):
    invitee = UserFactory(email="invitee@trustb.nhs.uk")
    client.force_login(invitee)
    assert "Accept the invitation" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    assert ProgrammeRole.objects.filter(user=invitee, programme=trust, role="facilitator").exists()
    # A facilitator must set up two-factor authentication before going on.
    assert client.get(link).url == reverse("mfa_activate_totp")
    session = client.session
    session["mfa_ok"] = True
    session.save()
    again = client.post(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_the_wrong_address_is_told_and_nothing_changes(client, link, trust):
    other = UserFactory(email="other@trustb.nhs.uk")
    client.force_login(other)
    response = client.post(link)
    assert response.status_code == 403
    assert "different email address" in response.content.decode()
    assert not ProgrammeRole.objects.filter(user=other).exists()


def test_an_expired_link_is_told(client, link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(UserFactory(email="invitee@trustb.nhs.uk"))
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_made_up_link_is_404(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("programmes:invitation", args=["x" * 43])).status_code == 404


def test_the_programmes_page_is_404_to_facilitators(client, trust_facilitator):
    client.force_login(trust_facilitator)
    assert client.get(reverse("programmes:index")).status_code == 404


def test_an_installation_admin_sees_every_programme(client, trust, national):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    superuser = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(superuser, generate_totp_secret())
    client.force_login(superuser)
    page = client.get(reverse("programmes:index")).content.decode()
    assert trust.name in page
    assert national.name in page
