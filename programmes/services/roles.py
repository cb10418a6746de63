"""Everything that changes who holds which role in a programme.
(Programmes themselves: programmes/services/programmes.py.)
Every change of a role is in the audit log; a removed person's live
connections close (programmes.receivers, for every way a role row goes)."""

import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.services import Actor, audit_record
from programmes.models import Invitation, Programme, ProgrammeRole, Role
from programmes.selectors import signposting_for


def _role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; choose from {', '.join(Role.values)}.")
    return Role(role)


@transaction.atomic
def programme_role_grant(*, programme: Programme, user: User, role: str, actor: Actor = None,
                         request: HttpRequest | None = None) -> ProgrammeRole:
    """Give a person a role in a programme (idempotent)."""
    held, created = ProgrammeRole.objects.get_or_create(programme=programme, user=user, role=_role(role))
    if created:
        audit_record(actor=actor, action=f"role.grant.{role}", obj=held, request=request)
    return held


LAST_ADMIN = "A programme always has at least one admin. Invite another admin before removing this one."


@transaction.atomic
def programme_role_revoke(*, held: ProgrammeRole, actor: Actor = None, request: HttpRequest | None = None) -> None:
    """Take a role away. Never the programme's last admin. The person's live
    connections close and are authorised afresh (programmes.receivers)."""
    # Lock the programme so two removals at once cannot leave it with no admin.
    Programme.objects.select_for_update().filter(pk=held.programme_id).first()
    if held.role == Role.ADMIN:
        admins = ProgrammeRole.objects.filter(programme_id=held.programme_id, role=Role.ADMIN)
        if admins.count() <= 1:
            raise ValidationError(LAST_ADMIN, code="last_admin")
    audit_record(actor=actor, action=f"role.revoke.{held.role}", obj=held, request=request)
    held.delete()


@transaction.atomic
def programme_role_revoke_by_email(*, programme: Programme, user: User, role: str, actor: Actor = None) -> bool:
    held = ProgrammeRole.objects.filter(programme=programme, user=user, role=_role(role)).first()
    if held is None:
        return False
    programme_role_revoke(held=held, actor=actor)
    return True


# --- invitations ---------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, programme: Programme, email: str, role: str, invited_by: User,
                    request: HttpRequest | None = None) -> Invitation:
    """Email an invitation to hold `role` in `programme`. The link's token is
    shown once, in the email; only its hash is kept."""
    email = email.strip().lower()
    role = _role(role)
    if ProgrammeRole.objects.filter(programme=programme, role=role, user__email__iexact=email).exists():
        raise ValidationError({"email": f"This person is already a {role.label.lower()} in this programme"})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        programme=programme, email=email, role=role, token_hash=token_hash(token), invited_by=invited_by)
    audit_record(actor=invited_by, action=f"invitation.send.{role}", obj=invitation, request=request)
    message = _invitation_email(invitation, token)
    transaction.on_commit(message.send)
    return invitation


def _invitation_email(invitation: Invitation, token: str) -> EmailMultiAlternatives:
    context = {
        "invitation": invitation, "programme": invitation.programme,
        "role": Role(invitation.role).label.lower(),
        "url": settings.SITE_URL.rstrip("/") + reverse("programmes:invitation", kwargs={"token": token}),
        "days": (invitation.expires_at - timezone.now()).days,
        "signposting": signposting_for(invitation.programme), "service_name": settings.SERVICE_NAME,
    }
    email = EmailMultiAlternatives(
        subject=f"You are invited to help run peer support on {settings.SERVICE_NAME}",
        body=render_to_string("programmes/email/invitation.txt", context),
        to=[invitation.email], headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(render_to_string("programmes/email/invitation.html", context), "text/html")
    return email


class InvitationRefused(Exception):
    """Why an invitation link cannot be accepted, in words for the person."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def invitation_problem(invitation: Invitation, user: User) -> InvitationRefused | None:
    """None when this person may accept the invitation now."""
    if invitation.accepted_at is not None:
        return InvitationRefused("used", "This invitation has already been used. Each invitation link works once.")
    if invitation.withdrawn_at is not None:
        return InvitationRefused("withdrawn", "This invitation was withdrawn by the programme's admins.")
    if invitation.expires_at <= timezone.now():
        return InvitationRefused("expired", "This invitation has expired. Ask the programme's admins to send "
                                            "you a new one.")
    address = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).first()
    if address is None:
        return InvitationRefused("wrong_address", "This invitation was sent to a different email address. "
                                                  "Sign in with the address it was sent to.")
    if not address.verified:
        return InvitationRefused("unverified", "Verify this email address in your account first, then open "
                                               "the invitation link again.")
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, request: HttpRequest | None = None) -> ProgrammeRole:
    """Accept an invitation: once, before it expires, signed in with the
    verified address it was sent to. Otherwise InvitationRefused and nothing changes."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if problem := invitation_problem(invitation, user):
        raise problem
    held = programme_role_grant(programme=invitation.programme, user=user, role=invitation.role,
                                actor=user, request=request)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(actor=user, action="invitation.accept", obj=invitation, request=request)
    return held


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User, request: HttpRequest | None = None) -> None:
    if invitation.accepted_at is None and invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
        audit_record(actor=actor, action="invitation.withdraw", obj=invitation, request=request)
