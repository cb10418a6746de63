"""What happens to each kind of personal data on export and on erasure.

Every foreign key to the person, in any installed app, must have a rule here:
`privacy/tests/test_policy.py` fails when one does not, so a new model cannot
silently escape a download or an account deletion. Until a rule is written,
`personal_data_export` still exports such rows generically and
`account_erase` follows the key's own `on_delete` (cascade: delete the rows;
set null: unlink them).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from privacy import export


class Erase(StrEnum):
    DELETE = "delete"  # the rows go
    NULL = "null"  # the rows stay, no longer linked to the person
    KEEP = "keep"  # the rows stay, linked to the anonymised person row


@dataclass(frozen=True)
class Rule:
    section: str  # the key in the downloaded file
    erase: Erase
    why: str  # shown in the admin's and reviewers' reading of this table
    serialise: Callable[[models.QuerySet], Any] | None = None  # None: every non-secret field


POLICY: dict[str, Rule] = {
    "account.EmailAddress.user": Rule(
        "email_addresses", Erase.DELETE, "Identifies the person.", export.email_addresses),
    "mfa.Authenticator.user": Rule(
        "two_factor_authentication", Erase.DELETE,
        "Holds secrets; only the kind and dates are exported, never the secret.", export.authenticators),
    "socialaccount.SocialAccount.user": Rule(
        "ways_to_sign_in", Erase.DELETE,
        "Links the person to their NHS sign-in account (provider and identifier there).", export.social_accounts),
    "usersessions.UserSession.user": Rule(
        "signed_in_browsers", Erase.DELETE,
        "IP address and browser; the sessions themselves are ended first. Never the session key.",
        export.user_sessions),
    "accounts.User_groups.user": Rule("roles", Erase.DELETE, "A former member holds no role.", export.roles),
    "programmes.ProgrammeRole.user": Rule(
        "programme_roles", Erase.DELETE, "A former member facilitates and runs nothing.", export.programme_roles),
    "programmes.Invitation.invited_by": Rule(
        "invitations_sent", Erase.NULL, "The programme keeps its record of invitations, no longer linked to who "
        "sent them.", export.invitations_sent),
    "programmes.Invitation.accepted_by": Rule(
        "invitations_accepted", Erase.NULL, "The programme keeps its record of invitations, no longer linked to "
        "who accepted them.", export.invitations_accepted),
    "accounts.User_user_permissions.user": Rule(
        "extra_permissions", Erase.DELETE, "A former member holds no permission.", export.permissions),
    "groups.Facilitation.user": Rule(
        "groups_facilitated", Erase.DELETE,
        "Erasure is refused while the person is the only facilitator of a draft or published group.",
        export.facilitations),
    "signups.Booking.user": Rule(
        "bookings", Erase.KEEP,
        "Places at sessions still to come are cancelled first (so people waiting move up); past bookings "
        "hold no content and stay for attendance totals until the retention purge summarises them.",
        export.bookings),
    "signups.Membership.user": Rule(
        "applications_and_memberships", Erase.DELETE, "Holds free text the person and facilitators wrote.",
        export.memberships),
    "signups.GroundRulesAcceptance.user": Rule(
        "ground_rules_accepted", Erase.DELETE, "Ties the person to a group.", export.ground_rules_acceptances),
    "signups.CalendarFeed.user": Rule(
        "calendar_feed", Erase.DELETE, "A private URL; its token is never exported.", export.calendar_feed),
    "signups.SessionRegister.taken_by": Rule(
        "registers_taken", Erase.NULL, "The register stays for attendance; who took it is forgotten.",
        export.registers_taken),
    "rooms.Presence.user": Rule(
        "room_visits", Erase.DELETE, "When the person was in a live room.", export.room_presences),
    "notifications.Notification.user": Rule(
        "notifications", Erase.DELETE, "Messages to the person.", export.notifications),
    "notifications.Preference.user": Rule(
        "notification_preferences", Erase.DELETE, "The person's choices.", export.notification_preference),
    "admin.LogEntry.user": Rule(
        "admin_actions", Erase.KEEP,
        "An accountability record of admin changes, purged after the audit retention period.",
        export.admin_actions),
    "audit.AuditEvent.actor": Rule(
        "access_log", Erase.KEEP,
        "An accountability record of access to personal data, purged after the audit retention period.",
        export.audit_events),
}


def user_foreign_keys() -> Iterator[tuple[str, models.ForeignKey]]:
    """Every foreign key (or one-to-one) to the person in every installed
    model, including many-to-many tables Django made, as ("app.Model.field", field)."""
    user_model = get_user_model()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.concrete and (field.many_to_one or field.one_to_one) and field.related_model is user_model:
                yield f"{model._meta.label}.{field.name}", field


def missing_rules(policy: dict[str, Rule] | None = None) -> list[str]:
    """Foreign keys to the person that the policy does not mention."""
    policy = POLICY if policy is None else policy
    return sorted(key for key, _ in user_foreign_keys() if key not in policy)


def linked_rows(field: models.ForeignKey, user) -> models.QuerySet:
    return field.model._base_manager.filter(**{field.name: user})


def erase_action(key: str, field: models.ForeignKey) -> Erase:
    """The rule's action, or for a key with no rule what its `on_delete` means."""
    if key in POLICY:
        return POLICY[key].erase
    if field.remote_field.on_delete is models.CASCADE:
        return Erase.DELETE
    if field.remote_field.on_delete is models.SET_NULL:
        return Erase.NULL
    return Erase.KEEP
