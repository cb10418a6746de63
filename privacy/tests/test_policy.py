from django.apps import apps
from django.db import models

from privacy.policy import POLICY, Erase, erase_action, missing_rules, user_foreign_keys


def test_every_foreign_key_to_a_person_has_a_rule():
    """Fails when a new model links to a person without saying what happens to
    it on download and on account deletion: add it to privacy.policy.POLICY."""
    missing = missing_rules()
    assert missing == [], f"Add a privacy rule to privacy/policy.py for: {', '.join(missing)}"


def test_the_check_notices_a_kind_of_data_without_a_rule():
    policy = {key: rule for key, rule in POLICY.items() if key != "rooms.Presence.user"}
    assert missing_rules(policy) == ["rooms.Presence.user"]


def test_every_rule_names_a_real_foreign_key():
    """A rule for a renamed or removed field would silently protect nothing."""
    installed = {config.label for config in apps.get_app_configs()}
    keys = {key for key, _ in user_foreign_keys()}
    # Rules for optional apps (e.g. allauth's user sessions) wait until installed.
    assert sorted(k for k in POLICY if k.split(".")[0] in installed and k not in keys) == []


def test_the_walk_finds_the_known_kinds_of_personal_data():
    keys = {key for key, _ in user_foreign_keys()}
    assert {"signups.Booking.user", "signups.Membership.user", "account.EmailAddress.user",
            "mfa.Authenticator.user", "accounts.User_groups.user", "notifications.Notification.user",
            "audit.AuditEvent.actor"} <= keys


def test_every_section_name_is_used_once():
    sections = [rule.section for rule in POLICY.values()]
    assert len(sections) == len(set(sections))


def test_a_key_without_a_rule_follows_its_on_delete():
    fields = dict(user_foreign_keys())
    assert erase_action("unknown.Model.user", fields["signups.Booking.user"]) == Erase.DELETE  # CASCADE
    assert erase_action("unknown.Model.taken_by", fields["signups.SessionRegister.taken_by"]) == Erase.NULL


def test_a_key_with_a_rule_follows_the_rule():
    fields = dict(user_foreign_keys())
    assert fields["signups.Booking.user"].remote_field.on_delete is models.CASCADE
    assert erase_action("signups.Booking.user", fields["signups.Booking.user"]) == Erase.KEEP
