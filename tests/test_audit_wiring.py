"""Opening lists of people (rosters, applications, registers, feedback) and
reports is recorded in the audit log; refusals record nothing."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
from signups.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(facilitator):
    return PeerGroupFactory(facilitators=[facilitator], membership="closed")


@pytest.fixture
def session(group):
    return GroupSessionFactory(group=group)


def _views(group, session, membership):
    return [
        ("roster.view", reverse("groups:session_roster", args=[session.code]), session.code),
        ("register.view", reverse("signups:register", args=[session.code]), session.code),
        ("applications.view", reverse("signups:applications", args=[group.code]), group.code),
        ("application.view", reverse("signups:decide", args=[group.code, membership.code]), membership.code),
        ("feedback.view", reverse("signups:group_feedback", args=[group.code]), group.code),
    ]


def test_a_facilitator_opening_lists_of_people_is_recorded(client, facilitator, group, session, practitioner):
    membership = MembershipFactory(group=group, user=practitioner)
    client.force_login(facilitator)
    for action, url, code in _views(group, session, membership):
        assert client.get(url).status_code == 200, url
        event = AuditEvent.objects.filter(action=action).latest("at")
        assert event.actor == facilitator
        assert event.object_code == code


def test_an_outsider_refused_leaves_no_audit_event(client, other_facilitator, group, session, practitioner):
    membership = MembershipFactory(group=group, user=practitioner)
    client.force_login(other_facilitator)
    for _action, url, _code in _views(group, session, membership):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.exists()


def test_opening_reports_is_recorded(client, programme_admin):
    client.force_login(programme_admin)
    assert client.get(reverse("reports:index")).status_code == 200
    assert client.get(reverse("reports:csv")).status_code == 200
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"report.view", "report.export"}
