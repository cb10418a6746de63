from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from groups.models import Facilitation, PeerGroup
from notifications.models import Notification, Preference
from privacy.services import ErasureRefused, account_erase
from rooms.models import Presence
from signups.models import Booking, CalendarFeed, GroundRulesAcceptance, Membership, SessionRegister
from signups.tests.factories import PeerGroupFactory


def _erase(user) -> User:
    account_erase(user=user)
    return User.objects.get(pk=user.pk)


def test_it_removes_every_identifying_field(person):
    old_email = person.user.email
    user = _erase(person.user)
    assert user.email.startswith("erased-")
    assert user.email.endswith("@invalid")
    assert old_email not in user.email
    assert user.display_name == "Former member"
    assert user.organisation == ""
    assert not user.has_usable_password()
    assert not user.is_active
    assert not user.is_staff
    assert not user.is_superuser
    assert user.last_login is None


def test_it_keeps_only_the_coarse_categories_reports_count(person):
    before = User.objects.get(pk=person.user.pk)
    user = _erase(person.user)
    assert (user.profession, user.career_stage, user.region) == (before.profession, before.career_stage, before.region)
    assert user.onboarded_at == before.onboarded_at


def test_it_deletes_what_identifies_the_person_or_what_they_wrote(person):
    user = _erase(person.user)
    for model in (EmailAddress, Authenticator, CalendarFeed, Notification, Preference, GroundRulesAcceptance,
                  Membership, Presence):
        assert not model.objects.filter(user=user).exists(), model.__name__
    assert not user.groups.exists()


def test_it_keeps_past_bookings(person):
    _erase(person.user)
    booking = Booking.objects.get(pk=person.past_booking.pk)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.attendance == Booking.Attendance.ATTENDED


def test_it_cancels_places_to_come_and_the_first_waiting_gets_one(person, waiting):
    _erase(person.user)
    assert Booking.objects.get(pk=person.future_booking.pk).status == Booking.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_it_leaves_a_place_at_a_session_already_under_way(person):
    person.future.starts_at = timezone.now() - timedelta(minutes=10)
    person.future.save()
    _erase(person.user)
    assert Booking.objects.get(pk=person.future_booking.pk).status == Booking.Status.CONFIRMED


def test_it_ends_the_persons_signed_in_sessions_only(client, person, outsider):
    client.force_login(person.user)
    from django.test import Client

    other = Client()
    other.force_login(outsider)
    assert Session.objects.count() == 2
    _erase(person.user)
    (left,) = Session.objects.all()
    assert left.get_decoded()["_auth_user_id"] == str(outsider.pk)


def test_it_refuses_the_only_facilitator_of_a_running_group(facilitator):
    group = PeerGroupFactory(facilitators=[facilitator], status=PeerGroup.Status.PUBLISHED)
    with pytest.raises(ErasureRefused, match="Hand your groups to a co-facilitator first") as refusal:
        account_erase(user=facilitator)
    assert refusal.value.groups == [group]
    assert User.objects.get(pk=facilitator.pk).is_active


def test_a_facilitator_with_a_co_facilitator_can_go(facilitator, other_facilitator):
    group = PeerGroupFactory(facilitators=[facilitator, other_facilitator])
    PeerGroupFactory(facilitators=[facilitator], status=PeerGroup.Status.ARCHIVED)
    _erase(facilitator)
    assert list(Facilitation.objects.filter(group=group).values_list("user", flat=True)) == [other_facilitator.pk]
    assert not Facilitation.objects.filter(user=facilitator).exists()


def test_a_register_they_took_stays_without_their_name(person, facilitator, other_facilitator):
    Facilitation.objects.create(group=person.group, user=other_facilitator)
    Facilitation.objects.create(group=person.closed, user=other_facilitator)
    register = SessionRegister.objects.create(session=person.past, taken_by=facilitator, taken_at=timezone.now())
    _erase(facilitator)
    register.refresh_from_db()
    assert register.taken_by is None


def test_it_records_the_erasure_in_the_audit_log(person):
    _erase(person.user)
    event = AuditEvent.objects.get(action="account.erase")
    assert event.actor_id == person.user.pk
    assert event.actor_role == "practitioner"
    assert event.object_code == str(person.user.pk)


def test_erasing_twice_changes_nothing(person):
    user = _erase(person.user)
    again = _erase(user)
    assert again.email == user.email
    assert AuditEvent.objects.filter(action="account.erase").count() == 1


def test_the_anonymised_person_still_counts_in_reports(person):
    """Reports count bookings by the person's profession; the row is kept for that."""
    _erase(person.user)
    assert Booking.objects.filter(pk=person.past_booking.pk, user__profession="nurse").exists()


def test_data_without_a_rule_yet_follows_its_on_delete(person, monkeypatch):
    from privacy import policy

    rules = {key: rule for key, rule in policy.POLICY.items() if key != "signups.CalendarFeed.user"}
    monkeypatch.setattr(policy, "POLICY", rules)
    _erase(person.user)
    assert not CalendarFeed.objects.filter(pk=person.feed.pk).exists()  # on_delete=CASCADE
