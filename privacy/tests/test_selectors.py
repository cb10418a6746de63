import json

from allauth.mfa.models import Authenticator
from django.core.serializers.json import DjangoJSONEncoder

from groups.models import Facilitation, PeerGroup
from privacy import policy
from privacy.selectors import personal_data_export, sole_facilitated_groups
from privacy.tests.conftest import TOTP_SECRET
from signups.tests.factories import PeerGroupFactory


def _text(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder)


def test_the_export_has_every_section(person):
    data = personal_data_export(user=person.user)
    assert {"about_this_file", "profile", "email_addresses", "roles", "bookings", "applications_and_memberships",
            "ground_rules_accepted", "calendar_feed", "notifications", "notification_preferences",
            "groups_facilitated", "two_factor_authentication", "room_visits", "access_log", "other"} <= set(data)
    assert data["other"] == {}


def test_the_export_holds_the_persons_own_things(person):
    data = personal_data_export(user=person.user)
    assert data["profile"]["email"] == person.user.email
    assert data["profile"]["profession_label"] == "Nurse"
    assert {e["email"] for e in data["email_addresses"]} == {person.user.email, "second@nhs.net"}
    past, future = data["bookings"]
    assert past["group"] == "Thursday reflective practice"
    assert past["attendance"] == "Attended"
    assert future["session"] == person.future.code
    assert future["status"] == "Place confirmed"
    assert " to " in future["when"]
    assert future["starts_at"].endswith(("+00:00", "+01:00"))
    (membership,) = data["applications_and_memberships"]
    assert membership["your_note"] == "I had a hard year on the ward."
    assert membership["facilitator_response"] == "Welcome: let's talk first."
    assert data["ground_rules_accepted"][0]["group"] == "Thursday reflective practice"
    assert data["calendar_feed"]["exists"] is True
    assert len(data["notifications"]) == 2
    assert data["notification_preferences"]["reminder_the_day_before"] is False
    assert data["two_factor_authentication"][0]["type"] == "TOTP Authenticator"
    assert data["room_visits"][0]["session"] == person.past.code


def test_the_export_never_holds_secrets(person):
    text = _text(personal_data_export(user=person.user))
    authenticator = Authenticator.objects.get(user=person.user, type=Authenticator.Type.TOTP)
    assert person.user.password not in text
    assert "md5$" not in text  # the tests' password hasher
    assert TOTP_SECRET not in text
    assert authenticator.data["secret"] not in text  # as stored, encrypted or not
    assert person.feed.token not in text
    assert "secret" not in text.replace("security secrets", "").replace("authentication secrets", "")


def test_the_export_says_feedback_is_not_included_and_why(person):
    data = personal_data_export(user=person.user)
    assert any("Feedback" in line and "without any link to you" in line
               for line in data["about_this_file"]["not_included"])


def test_the_export_of_a_facilitator_lists_their_groups(facilitator):
    group = PeerGroupFactory(facilitators=[facilitator], title="Monday Balint")
    data = personal_data_export(user=facilitator)
    assert data["groups_facilitated"][0]["group_code"] == group.code
    assert [(r["programme"], r["role"]) for r in data["programme_roles"]] == [(group.programme.name, "Facilitator")]


def test_the_export_holds_nothing_of_anyone_else(person, outsider):
    data = personal_data_export(user=outsider)
    assert _text(data).count(person.user.email) == 0
    assert data["bookings"] == []
    assert data["applications_and_memberships"] == []
    assert data["calendar_feed"] == {"exists": False, "set_up_at": None}


def test_rows_without_a_rule_are_still_exported_without_secrets(person, monkeypatch):
    rules = dict(policy.POLICY)
    del rules["signups.CalendarFeed.user"], rules["signups.Membership.user"]
    monkeypatch.setattr("privacy.selectors.POLICY", rules)
    data = personal_data_export(user=person.user)
    (feed,) = data["other"]["signups.CalendarFeed.user"]
    assert "token" not in feed
    assert person.feed.token not in _text(data)
    assert data["other"]["signups.Membership.user"][0]["note"] == "I had a hard year on the ward."


def test_sole_facilitated_groups_are_active_groups_with_no_one_else(facilitator, other_facilitator):
    alone = PeerGroupFactory(facilitators=[facilitator], status=PeerGroup.Status.DRAFT)
    PeerGroupFactory(facilitators=[facilitator, other_facilitator])
    PeerGroupFactory(facilitators=[facilitator], status=PeerGroup.Status.ARCHIVED)
    assert list(sole_facilitated_groups(user=facilitator)) == [alone]
    Facilitation.objects.create(group=alone, user=other_facilitator)
    assert list(sole_facilitated_groups(user=facilitator)) == []
