from django.urls import reverse

from audit.tests.factories import AuditEventFactory


def test_superusers_can_read_the_audit_log(admin_client):
    event = AuditEventFactory(object_code="k3y9")
    response = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert event.object_code in response.content.decode()


def test_nobody_can_change_or_delete_an_audit_event(admin_client):
    event = AuditEventFactory()
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.post(reverse("admin:audit_auditevent_change", args=[event.pk]),
                             {"action": "x"}).status_code == 403


def test_staff_who_are_not_superusers_cannot_see_it(client, programme_admin):
    from django.contrib.auth.models import Permission

    programme_admin.is_staff = True
    programme_admin.save()
    programme_admin.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(programme_admin)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
