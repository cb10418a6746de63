"""Archiving asks first and says what will happen; it can be undone while no
session has passed since, bringing back the sessions it cancelled with
everyone's places."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupSession, PeerGroup
from groups.services import group_archive, group_restore, restore_refusal
from notifications.delivery import notifications_send_due
from notifications.models import Kind, Notification
from signups.models import Booking
from signups.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(facilitator):
    group = PeerGroupFactory(facilitators=[facilitator], title="Thursday reflective practice")
    soon = timezone.now().replace(microsecond=0) + timedelta(days=2)
    for week in range(3):
        GroupSessionFactory(group=group, starts_at=soon + timedelta(weeks=week))
    return group


def test_archive_asks_first_and_says_what_will_happen(client, facilitator, group):
    BookingFactory(session=group.sessions.order_by("starts_at").first())
    client.force_login(facilitator)
    manage = client.get(reverse("groups:manage", args=[group.code])).text
    assert f'href="{reverse("groups:archive", args=[group.code])}"' in manage
    assert f'action="{reverse("groups:archive", args=[group.code])}"' not in manage  # no one-click archive
    page = client.get(reverse("groups:archive", args=[group.code])).text
    assert "<title>Are you sure you want to archive this group?" in page
    assert "its 3 future sessions are cancelled" in page
    assert "the people holding 1 place or waiting-list entry at those sessions are told" in page
    assert "No, keep the group" in page
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED

    response = client.post(reverse("groups:archive", args=[group.code]), follow=True)
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.ARCHIVED
    assert "Restore this group" in response.text


def test_restoring_brings_back_the_sessions_and_places_and_tells_people(
        client, facilitator, group, django_capture_on_commit_callbacks, mailoutbox):
    first = group.sessions.order_by("starts_at").first()
    booking = BookingFactory(session=first)
    GroupSessionFactory(group=group, starts_at=first.starts_at + timedelta(days=1),
                        status=GroupSession.Status.CANCELLED, is_exception=True)  # cancelled by hand before
    with django_capture_on_commit_callbacks(execute=True):
        group_archive(group=group)
    notifications_send_due()
    assert mailoutbox[-1].subject.endswith("is cancelled")
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("groups:restore", args=[group.code]), follow=True)
    notifications_send_due()
    assert "Group restored. 3 sessions back on" in response.text
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED
    assert group.sessions.filter(status=GroupSession.Status.SCHEDULED).count() == 3
    assert group.sessions.filter(status=GroupSession.Status.CANCELLED).count() == 1  # the hand-cancelled one stays
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Notification.objects.filter(booking=booking, kind=Kind.SESSION_RESTORED).exists()
    assert mailoutbox[-1].subject.endswith("is going ahead")
    assert group.title not in mailoutbox[-1].subject


def test_restoring_is_refused_once_a_session_has_passed(group):
    archived_at = timezone.now()
    group_archive(group=group, now=archived_at)
    first = group.sessions.order_by("starts_at").first()
    after_first = first.starts_at + timedelta(minutes=1)
    group.refresh_from_db()
    assert restore_refusal(group, now=first.starts_at - timedelta(minutes=1)) is None
    assert "can no longer be restored" in restore_refusal(group, now=after_first)
    with pytest.raises(Exception, match="can no longer be restored"):
        group_restore(group=group, now=after_first)


def test_a_draft_archived_goes_back_to_draft(facilitator):
    draft = PeerGroupFactory(facilitators=[facilitator], status=PeerGroup.Status.DRAFT)
    group_archive(group=draft)
    group_restore(group=draft)
    draft.refresh_from_db()
    assert draft.status == PeerGroup.Status.DRAFT


def test_the_manage_page_links_to_applications_and_feedback_with_counts(client, facilitator, programme_admin):
    from signups.tests.factories import ClosedGroupFactory, MembershipFactory

    group = ClosedGroupFactory(facilitators=[facilitator])
    MembershipFactory(group=group)
    MembershipFactory(group=group, status="accepted")
    client.force_login(facilitator)
    page = client.get(reverse("groups:manage", args=[group.code])).text
    assert f'href="{reverse("signups:applications", args=[group.code])}"' in page
    assert "1 waiting for a decision, 1 member" in page
    assert f'href="{reverse("signups:group_feedback", args=[group.code])}"' in page
    assert "0 responses to read" in page
    client.force_login(programme_admin)  # manages the group, never sees people
    page = client.get(reverse("groups:manage", args=[group.code])).text
    assert "waiting for a decision" not in page
