"""The Django admin: nothing in it links a person to feedback, and opening
people's data there is audited like elsewhere."""

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Kind, Notification
from signups.models import Feedback
from signups.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(admin_client, admin_user):
    admin_client.user = admin_user
    return admin_client


def _shown_names(model_admin, request, obj) -> set[str]:
    """Every field name an admin can show or query for this object."""
    names = set(model_admin.get_fields(request, obj)) | set(model_admin.get_readonly_fields(request, obj))
    names |= {n for n in model_admin.get_list_display(request) if isinstance(n, str)}
    names |= {f if isinstance(f, str) else getattr(f, "parameter_name", "") for f in model_admin.list_filter}
    names |= set(model_admin.search_fields)
    for inline in model_admin.get_inline_instances(request, obj):
        names |= set(inline.get_fields(request, obj)) | set(inline.get_readonly_fields(request, obj))
    return names


def test_no_admin_shows_or_queries_anything_about_feedback(rf, superuser_client):
    request = rf.get("/admin/")
    request.user = superuser_client.user
    assert Feedback not in admin.site._registry
    offending = {}
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.first()
        names = {n for n in _shown_names(model_admin, request, obj) if "feedback" in n.lower()}
        if names:
            offending[model._meta.label] = names
    assert offending == {}


def test_a_booking_page_in_the_admin_does_not_say_whether_feedback_was_given(superuser_client):
    booking = BookingFactory(feedback_given=True)
    page = superuser_client.get(reverse("admin:signups_booking_change", args=[booking.pk])).content.decode()
    assert booking.code in page
    assert "feedback_given" not in page
    assert "feedback given" not in page.lower()
    listing = superuser_client.get(reverse("admin:signups_booking_changelist")).content.decode()
    assert booking.code in listing
    assert "feedback_given" not in listing
    assert "feedback given" not in listing.lower()


def test_a_feedback_invitation_in_the_admin_does_not_say_whose_it_is(superuser_client):
    booking = BookingFactory(feedback_given=True)
    notification = Notification.objects.create(
        user=booking.user, booking=booking, kind=Kind.FEEDBACK_INVITATION, due_at=booking.session.ends_at,
        status=Notification.Status.SKIPPED, last_error="feedback already given",
    )
    page = superuser_client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert notification.code in text
    assert booking.user.email not in text
    assert booking.code not in text
    # Nor can the list be narrowed to one person's or one booking's rows.
    changelist = reverse("admin:notifications_notification_changelist")
    for lookup in (f"user__id__exact={booking.user.pk}", f"booking__id__exact={booking.pk}"):
        assert superuser_client.get(f"{changelist}?{lookup}").status_code == 400


def test_opening_people_in_the_admin_is_audited(superuser_client):
    booking = BookingFactory()
    person = booking.user
    pages = [
        ("admin.list", reverse("admin:accounts_user_changelist"), "accounts.user", ""),
        ("admin.view", reverse("admin:accounts_user_change", args=[person.pk]), "accounts.user", str(person.pk)),
        ("admin.list", reverse("admin:signups_booking_changelist"), "signups.booking", ""),
        ("admin.view", reverse("admin:signups_booking_change", args=[booking.pk]), "signups.booking", booking.code),
        ("admin.history", reverse("admin:signups_booking_history", args=[booking.pk]), "signups.booking",
         booking.code),
    ]
    for action, url, object_type, code in pages:
        assert superuser_client.get(url).status_code == 200, url
        event = AuditEvent.objects.latest("pk")
        assert (event.action, event.object_type, event.object_code) == (action, object_type, code), url
        assert event.actor == superuser_client.user
        assert event.actor_role == "superuser"


def test_a_refused_admin_page_records_nothing(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302
    assert not AuditEvent.objects.exists()
