import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:notifications_notification_changelist")


def test_admins_find_failed_notifications_without_seeing_any_content(admin_client):
    failed = NotificationFactory(status=Notification.Status.FAILED, attempts=5, last_error="SMTPServerDisconnected")
    response = admin_client.get(CHANGELIST, {"status__exact": "failed"})
    assert response.status_code == 200
    content = response.content.decode()
    assert failed.code in content
    assert "SMTPServerDisconnected" in content
    assert failed.booking.session.group.title not in content


def test_admins_can_send_failed_notifications_again(admin_client):
    failed = NotificationFactory(status=Notification.Status.FAILED, attempts=5)
    response = admin_client.post(CHANGELIST, {"action": "send_again", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Notification.Status.PENDING, 0)


def test_people_without_admin_rights_cannot_see_the_list(client, practitioner):
    client.force_login(practitioner)
    assert client.get(CHANGELIST).status_code == 302
