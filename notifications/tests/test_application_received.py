"""A new application tells each of the group's facilitators, in the app and
by email, with no group or topic in the subject and no applicant's name in
the email."""

import pytest
from django.urls import reverse

from accounts.tests.factories import FacilitatorFactory, UserFactory
from notifications.models import Kind, Notification
from notifications.tests.factories import TOPIC_TITLE, PeerGroupFactory
from signups.services import membership_apply, membership_decide, membership_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return PeerGroupFactory(membership="closed", facilitators=[FacilitatorFactory(), FacilitatorFactory()])


def test_each_facilitator_is_told_once(group, django_capture_on_commit_callbacks, mailoutbox):
    applicant = UserFactory(display_name="Sam Quinn")
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_apply(group=group, user=applicant, note="Nights are hard")
    with django_capture_on_commit_callbacks(execute=True):
        membership_apply(group=group, user=applicant)  # asking again changes nothing
    facilitators = {f.user.email for f in group.facilitation_set.select_related("user")}
    assert {m.to[0] for m in mailoutbox} == facilitators
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert message.subject == "New application to a group you run"
        assert TOPIC_TITLE not in message.subject
        assert "Sam Quinn" not in message.body
        assert "Nights are hard" not in message.body
        assert reverse("signups:applications", args=[group.code]) in message.body
    rows = Notification.objects.filter(kind=Kind.APPLICATION_RECEIVED, membership=membership)
    assert rows.count() == 2
    assert all(n.shown_at and n.is_unread for n in rows)


def test_applying_again_after_withdrawing_is_a_new_application(group, django_capture_on_commit_callbacks):
    applicant = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_apply(group=group, user=applicant)
    membership_withdraw(membership=membership)
    with django_capture_on_commit_callbacks(execute=True):
        membership_apply(group=group, user=applicant)
    assert Notification.objects.filter(kind=Kind.APPLICATION_RECEIVED).count() == 4


def test_a_decided_application_is_not_sent_late(group, django_capture_on_commit_callbacks, mailoutbox):
    from notifications.delivery import notification_send

    applicant = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):  # not yet delivered
        membership = membership_apply(group=group, user=applicant)
    from notifications.services import notifications_application_received
    made = notifications_application_received(membership=membership)
    membership_decide(membership=membership, decision="accept")
    assert [notification_send(notification_id=n.pk) for n in made] == ["skipped", "skipped"]
    assert not [m for m in mailoutbox if m.subject == "New application to a group you run"]


def test_the_facilitators_list_links_to_the_applications(client, group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership_apply(group=group, user=UserFactory())
    facilitator = group.facilitation_set.first().user
    client.force_login(facilitator)
    page = client.get(reverse("notifications:list")).text
    assert f"{group.title}: new application" in page
    assert reverse("signups:applications", args=[group.code]) in page
    assert '>1<span class="nhsuk-u-visually-hidden"> unread</span>' in page
