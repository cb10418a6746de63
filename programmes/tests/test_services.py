from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from programmes.models import Invitation, ProgrammeRole
from programmes.services import (
    InvitationRefused,
    invitation_accept,
    invitation_send,
    programme_role_grant,
    programme_role_revoke,
    token_hash,
)
from programmes.tests.factories import SignpostFactory


def _token_from_email() -> str:
    body = mail.outbox[-1].body
    return body.split("/programmes/invitations/", 1)[1].split("/", 1)[0]


@pytest.fixture
def invited(trust, trust_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(programme=trust, email="New.Person@trustb.nhs.uk", role="facilitator",
                                     invited_by=trust_admin)
    return invitation, _token_from_email()


def test_an_invitation_emails_a_link_whose_token_is_only_stored_hashed(invited, trust):
    invitation, token = invited
    message = mail.outbox[-1]
    assert message.to == ["new.person@trustb.nhs.uk"]
    assert trust.name not in message.subject
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert "Need help now?" in message.body
    assert "Samaritans" in message.body
    assert AuditEvent.objects.filter(action="invitation.send.facilitator", object_code=invitation.code).exists()


def test_the_programmes_own_signposting_is_in_its_emails(trust, trust_admin, django_capture_on_commit_callbacks):
    SignpostFactory(programme=trust, name="Trust B occupational health")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(programme=trust, email="x@trustb.nhs.uk", role="facilitator", invited_by=trust_admin)
    assert "Trust B occupational health" in mail.outbox[-1].body
    assert "Trust B occupational health" in mail.outbox[-1].alternatives[0][0]


def test_accepting_with_the_verified_address_grants_the_role_once(invited, trust):
    invitation, _token = invited
    person = UserFactory(email="new.person@trustb.nhs.uk")
    invitation_accept(invitation=invitation, user=person)
    assert ProgrammeRole.objects.filter(programme=trust, user=person, role="facilitator").exists()
    assert AuditEvent.objects.filter(action="role.grant.facilitator", actor=person).exists()
    with pytest.raises(InvitationRefused) as refused:
        invitation_accept(invitation=invitation, user=person)
    assert refused.value.reason == "used"


def _nothing_changed(invitation: Invitation) -> bool:
    invitation.refresh_from_db()
    return invitation.accepted_at is None and not ProgrammeRole.objects.filter(role="facilitator",
                                                                               programme=invitation.programme,
                                                                               user__email__startswith="new").exists()


def test_an_expired_invitation_is_refused_and_changes_nothing(invited):
    invitation, _token = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(InvitationRefused) as refused:
        invitation_accept(invitation=invitation, user=UserFactory(email="new.person@trustb.nhs.uk"))
    assert refused.value.reason == "expired"
    assert _nothing_changed(invitation)


def test_someone_signed_in_with_another_address_is_refused(invited):
    invitation, _token = invited
    with pytest.raises(InvitationRefused) as refused:
        invitation_accept(invitation=invitation, user=UserFactory(email="someone.else@trustb.nhs.uk"))
    assert refused.value.reason == "wrong_address"
    assert _nothing_changed(invitation)


def test_an_unverified_address_is_refused(invited):
    invitation, _token = invited
    person = UserFactory(email="new.person@trustb.nhs.uk")
    EmailAddress.objects.filter(user=person).update(verified=False)
    with pytest.raises(InvitationRefused) as refused:
        invitation_accept(invitation=invitation, user=person)
    assert refused.value.reason == "unverified"
    assert _nothing_changed(invitation)


def test_inviting_someone_who_already_holds_the_role_is_refused(trust, trust_admin, trust_facilitator):
    with pytest.raises(ValidationError):
        invitation_send(programme=trust, email=trust_facilitator.email.upper(), role="facilitator",
                        invited_by=trust_admin)
    assert not Invitation.objects.exists()


def test_the_last_admin_cannot_be_removed(trust, trust_admin):
    held = ProgrammeRole.objects.get(programme=trust, user=trust_admin)
    with pytest.raises(ValidationError):
        programme_role_revoke(held=held, actor=trust_admin)
    assert ProgrammeRole.objects.filter(pk=held.pk).exists()


def test_removing_a_role_is_audited_and_closes_live_connections(trust, trust_admin, trust_facilitator,
                                                               django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("accounts.services._group_send", lambda group, event: sent.append((group, event)))
    held = ProgrammeRole.objects.get(programme=trust, user=trust_facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        programme_role_revoke(held=held, actor=trust_admin)
    assert not ProgrammeRole.objects.filter(pk=held.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoke.facilitator", actor=trust_admin,
                                     object_code=held.code).exists()
    assert (f"user-{trust_facilitator.pk}", {"type": "user.force_close", "reason": "access_changed"}) in sent


def test_granting_twice_is_one_role(trust, practitioner):
    first = programme_role_grant(programme=trust, user=practitioner, role="facilitator")
    assert programme_role_grant(programme=trust, user=practitioner, role="facilitator") == first
