from django.contrib.admin.models import LogEntry
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from audit.decorators import audited
from audit.models import AuditEvent
from audit.services import audit_record, audit_sync_admin_log
from signups.tests.factories import BookingFactory, GroupSessionFactory


def test_it_records_who_did_what_to_which_object_and_when(facilitator):
    session = GroupSessionFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    event = audit_record(actor=facilitator, action="roster.view", obj=session, request=request)
    assert (event.actor, event.actor_role, event.action) == (facilitator, "facilitator", "roster.view")
    assert (event.object_type, event.object_code) == ("groups.groupsession", session.code)
    assert event.at is not None


def test_it_keeps_only_a_hash_of_the_ip_address(facilitator):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    first = audit_record(actor=facilitator, action="roster.view", request=request)
    second = audit_record(actor=facilitator, action="roster.view", request=request)
    assert "203.0.113" not in first.ip_hash
    assert first.ip_hash
    assert first.ip_hash == second.ip_hash


def test_it_names_the_role_of_each_kind_of_person(practitioner, programme_admin, admin_user):
    roles = [audit_record(actor=user, action="x").actor_role for user in (practitioner, programme_admin, admin_user)]
    assert roles == ["practitioner", "programme_admin", "superuser"]
    assert audit_record(actor=None, action="x").actor_role == "system"


def test_an_admin_change_is_recorded(admin_client, admin_user):
    booking = BookingFactory()
    url = reverse("admin:signups_booking_changelist")
    response = admin_client.post(url, {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.delete")
    assert (event.actor, event.actor_role) == (admin_user, "superuser")
    assert (event.object_type, event.object_code) == ("signups.booking", booking.code)


def test_a_bulk_admin_deletion_is_mirrored_by_the_sync_once(admin_client):
    bookings = [BookingFactory(), BookingFactory()]
    url = reverse("admin:signups_booking_changelist")
    admin_client.post(url, {"action": "delete_selected", "_selected_action": [b.pk for b in bookings], "post": "yes"})
    assert LogEntry.objects.count() == 2
    since = LogEntry.objects.earliest("action_time").action_time
    assert audit_sync_admin_log(since=since) == 2
    assert audit_sync_admin_log(since=since) == 0
    assert AuditEvent.objects.filter(action="admin.delete").count() == 2


@audited("roster.view", object_type="groups.groupsession")
def _roster(request, code):
    if code == "missing":
        raise Http404
    return HttpResponse("the roster")


def test_the_decorator_records_a_view_access(facilitator):
    request = RequestFactory().get("/")
    request.user = facilitator
    assert _roster(request, code="abc123").status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_code) == (
        facilitator, "roster.view", "groups.groupsession", "abc123")


def test_the_decorator_records_nothing_when_the_view_refuses(facilitator):
    request = RequestFactory().get("/")
    request.user = facilitator
    try:
        _roster(request, code="missing")
    except Http404:
        pass
    assert not AuditEvent.objects.exists()
