from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.models import GroupSession, PeerGroup
from groups.signals import sessions_materialised
from signups.errors import GroundRulesRequired, SignupRefused
from signups.models import Booking, Membership
from signups.services import (
    ground_rules_accept,
    group_intake_set,
    membership_apply,
    membership_decide,
    membership_leave,
    membership_withdraw,
)
from signups.tests.factories import GroundRulesFactory, GroupSessionFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_it_takes_an_application_with_a_note(closed_group, practitioner):
    membership = membership_apply(group=closed_group, user=practitioner, note="I am a GP registrar.")
    assert membership.status == Membership.Status.APPLIED
    assert membership.note == "I am a GP registrar."


def test_applying_twice_changes_nothing(closed_group, practitioner):
    first = membership_apply(group=closed_group, user=practitioner, note="first")
    second = membership_apply(group=closed_group, user=practitioner, note="second")
    assert second.pk == first.pk
    assert Membership.objects.get(pk=first.pk).note == "first"


def test_it_refuses_applications_when_intake_is_closed(closed_group, practitioner):
    group_intake_set(group=closed_group, intake_open=False)
    with pytest.raises(SignupRefused) as exc:
        membership_apply(group=closed_group, user=practitioner)
    assert exc.value.reason == "intake_closed"
    group_intake_set(group=closed_group, intake_open=True)
    assert membership_apply(group=closed_group, user=practitioner).status == Membership.Status.APPLIED


def test_it_refuses_applications_to_open_groups(group, practitioner):
    with pytest.raises(SignupRefused):
        membership_apply(group=group, user=practitioner)


def test_applying_needs_the_ground_rules(closed_group, practitioner):
    rules = GroundRulesFactory(group=closed_group)
    with pytest.raises(GroundRulesRequired):
        membership_apply(group=closed_group, user=practitioner)
    ground_rules_accept(user=practitioner, ground_rules=rules)
    assert membership_apply(group=closed_group, user=practitioner).status == Membership.Status.APPLIED


def test_accepting_gives_a_place_at_every_upcoming_session(closed_group, practitioner):
    now = timezone.now()
    upcoming = [GroupSessionFactory(group=closed_group, starts_at=now + timedelta(days=d)) for d in (2, 9)]
    GroupSessionFactory(group=closed_group, starts_at=now - timedelta(days=5))
    GroupSessionFactory(group=closed_group, starts_at=now + timedelta(days=16), status=GroupSession.Status.CANCELLED)
    membership = membership_apply(group=closed_group, user=practitioner)
    membership_decide(membership=membership, decision="accept", response="Welcome!")
    places = Booking.objects.filter(user=practitioner)
    assert sorted(b.session_id for b in places) == sorted(s.pk for s in upcoming)
    assert all(b.via_membership and b.status == Booking.Status.CONFIRMED for b in places)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACCEPTED
    assert membership.response == "Welcome!"
    assert membership.decided_at is not None


def test_a_conversation_comes_before_a_decision(closed_group, practitioner):
    membership = membership_apply(group=closed_group, user=practitioner)
    membership_decide(membership=membership, decision="conversation", response="Can we talk on Tuesday?")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONVERSATION
    membership_decide(membership=membership, decision="decline")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.DECLINED
    with pytest.raises(SignupRefused):
        membership_decide(membership=membership, decision="accept")


def test_the_groups_capacity_bounds_its_membership(closed_group):
    PeerGroup.objects.filter(pk=closed_group.pk).update(capacity=1)
    MembershipFactory(group=closed_group, status=Membership.Status.ACCEPTED)
    applicant = MembershipFactory(group=closed_group)
    with pytest.raises(SignupRefused) as exc:
        membership_decide(membership=applicant, decision="accept")
    assert exc.value.reason == "group_full"
    applicant.refresh_from_db()
    assert applicant.status == Membership.Status.APPLIED


def test_an_unknown_decision_is_refused(closed_group):
    with pytest.raises(SignupRefused):
        membership_decide(membership=MembershipFactory(group=closed_group), decision="promote")


def test_leaving_cancels_future_places_only(closed_group, practitioner):
    now = timezone.now()
    past = GroupSessionFactory(group=closed_group, starts_at=now - timedelta(days=7))
    Booking.objects.create(session=past, user=practitioner, status="confirmed", via_membership=True)
    GroupSessionFactory(group=closed_group, starts_at=now + timedelta(days=2))
    membership = MembershipFactory(group=closed_group, user=practitioner)
    membership_decide(membership=membership, decision="accept")
    membership_leave(membership=membership)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
    assert Booking.objects.get(user=practitioner, session=past).status == Booking.Status.CONFIRMED
    assert Booking.objects.get(user=practitioner, session__starts_at__gt=now).status == Booking.Status.CANCELLED


def test_a_member_can_rejoin_by_applying_again(closed_group, practitioner):
    membership = MembershipFactory(group=closed_group, user=practitioner, status=Membership.Status.LEFT)
    again = membership_apply(group=closed_group, user=practitioner, note="Back again")
    assert again.pk == membership.pk
    assert again.status == Membership.Status.APPLIED


def test_withdrawing_only_affects_pending_applications(closed_group):
    pending = MembershipFactory(group=closed_group)
    assert membership_withdraw(membership=pending).status == Membership.Status.WITHDRAWN
    member = MembershipFactory(group=closed_group, status=Membership.Status.ACCEPTED)
    assert membership_withdraw(membership=member).status == Membership.Status.ACCEPTED


def test_new_sessions_give_members_places(closed_group):
    members = [MembershipFactory(group=closed_group, status=Membership.Status.ACCEPTED).user for _ in range(2)]
    MembershipFactory(group=closed_group)  # an applicant gets nothing
    new = [GroupSessionFactory(group=closed_group, starts_at=timezone.now() + timedelta(days=d)) for d in (3, 10)]
    sessions_materialised.send(sender=PeerGroup, group=closed_group, sessions=new)
    booked = Booking.objects.filter(session__in=new, status=Booking.Status.CONFIRMED, via_membership=True)
    assert sorted((b.user_id, b.session_id) for b in booked) == sorted((u.pk, s.pk) for u in members for s in new)
    # Sent again (a re-run of the schedule), it changes nothing.
    sessions_materialised.send(sender=PeerGroup, group=closed_group, sessions=new)
    assert Booking.objects.filter(session__in=new).count() == 4


def test_new_sessions_of_an_open_group_give_nobody_places(group):
    new = [GroupSessionFactory(group=group)]
    sessions_materialised.send(sender=PeerGroup, group=group, sessions=new)
    assert not Booking.objects.exists()


def test_a_member_who_cancelled_one_session_can_book_it_again(closed_group, closed_session, practitioner):
    membership = MembershipFactory(group=closed_group, user=practitioner)
    membership_decide(membership=membership, decision="accept")
    from signups.services import booking_cancel, booking_create

    booking = booking_cancel(booking=Booking.objects.get(user=practitioner))
    assert booking.status == Booking.Status.CANCELLED
    again = booking_create(session=closed_session, user=practitioner)
    assert again.status == Booking.Status.CONFIRMED
    assert again.via_membership


def test_intake_can_be_closed_and_reopened(closed_group):
    group_intake_set(group=closed_group, intake_open=False)
    assert not PeerGroup.objects.get(pk=closed_group.pk).intake_open
    group_intake_set(group=closed_group, intake_open=True)
    assert PeerGroup.objects.get(pk=closed_group.pk).intake_open


def test_other_applicants_are_unaffected_by_a_decision(closed_group):
    a, b = MembershipFactory(group=closed_group), MembershipFactory(group=closed_group, user=UserFactory())
    membership_decide(membership=a, decision="decline")
    b.refresh_from_db()
    assert b.status == Membership.Status.APPLIED
