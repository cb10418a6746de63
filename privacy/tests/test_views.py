import json

from django.contrib.auth import SESSION_KEY
from django.urls import get_resolver, reverse

from accounts.models import User
from audit.models import AuditEvent
from groups.models import PeerGroup
from privacy import urls as privacy_urls
from privacy.tests.factories import reauthenticate
from signups.models import Booking
from signups.tests.factories import PeerGroupFactory

PASSWORD = "correct-horse-battery"  # accounts' UserFactory


def _erased(user) -> bool:
    return not User.objects.get(pk=user.pk).is_active


# --- every page --------------------------------------------------------------

def test_no_page_names_a_person_or_anything_else():
    """Each page acts on the person signed in; there is nothing to change in a URL."""
    assert all(not p.pattern.converters for p in privacy_urls.urlpatterns)
    assert get_resolver().resolve("/privacy/you/").url_name == "index"


def test_anonymous_people_are_sent_to_sign_in(client, practitioner):
    for name, method in (("index", "get"), ("export", "post"), ("delete", "get"), ("erase", "post")):
        response = getattr(client, method)(reverse(f"privacy:{name}"), {"confirm": "on"})
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name
    assert not _erased(practitioner)


# --- the page ------------------------------------------------------------------

def test_the_page_explains_what_is_held_and_for_how_long(client, practitioner, settings):
    settings.RETENTION_ATTENDANCE_MONTHS = 18
    client.force_login(practitioner)
    page = client.get(reverse("privacy:index")).content.decode()
    assert "Download my data" in page
    assert "kept for 18 months" in page
    assert "without any link to you" in page


def test_the_page_is_the_same_for_every_role(client, facilitator, programme_admin):
    for user in (facilitator, programme_admin):
        client.force_login(user)
        assert client.get(reverse("privacy:index")).status_code == 200


# --- download ------------------------------------------------------------------

def test_download_rejects_get(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("privacy:export")).status_code == 405


def test_download_is_a_json_attachment_of_my_own_data(client, person, outsider, django_assert_max_num_queries):
    client.force_login(person.user)
    with django_assert_max_num_queries(40):
        response = client.post(reverse("privacy:export"), {"user": outsider.pk})
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == person.user.email
    text = response.content.decode()
    assert outsider.email not in text
    assert person.user.password not in text
    assert person.feed.token not in text


def test_download_is_recorded_in_the_audit_log(client, practitioner):
    client.force_login(practitioner)
    client.post(reverse("privacy:export"))
    event = AuditEvent.objects.get(action="data.export")
    assert event.actor == practitioner


# --- deleting the account ------------------------------------------------------

def test_the_delete_page_asks_for_confirmation(client, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("privacy:delete")).content.decode()
    assert 'name="confirm"' in page
    assert "Delete my account" in page


def test_the_delete_page_tells_a_sole_facilitator_to_hand_over_first(client, facilitator):
    group = PeerGroupFactory(facilitators=[facilitator], title="Wednesday Balint")
    client.force_login(facilitator)
    page = client.get(reverse("privacy:delete")).content.decode()
    assert "Hand your groups to a co-facilitator first" in page
    assert group.title in page
    assert 'name="confirm"' not in page  # nothing to confirm until the groups are handed over


def test_erase_rejects_get(client, practitioner):
    client.force_login(practitioner)
    reauthenticate(client, practitioner)
    assert client.get(reverse("privacy:erase")).status_code == 405
    assert not _erased(practitioner)


def test_erase_asks_for_the_password_again_first(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("privacy:erase"), {"confirm": "on"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not _erased(practitioner)


def test_erase_after_confirming_the_password_goes_ahead(client, practitioner):
    """allauth keeps the POST while the person confirms who they are, then replays it."""
    client.force_login(practitioner)
    response = client.post(reverse("privacy:erase"), {"confirm": "on"})
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("privacy:erased")
    assert _erased(practitioner)
    assert SESSION_KEY not in client.session


def test_erase_needs_the_box_ticked_before_the_password(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("privacy:erase"), {"confirm": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Delete your account" in page
    assert "Tick the box to confirm" in page
    assert "nhsuk-error-summary" in page
    assert not _erased(practitioner)


def test_erase_survives_malformed_input(client, practitioner):
    client.force_login(practitioner)
    reauthenticate(client, practitioner)
    for data in ({"confirm": "x" * 100_000}, {"confirm": ["on", "off"]}, {"unexpected": "1"}):
        assert client.post(reverse("privacy:erase"), data).status_code in (200, 302)


def test_erase_refuses_a_sole_facilitator(client, facilitator):
    PeerGroupFactory(facilitators=[facilitator], status=PeerGroup.Status.PUBLISHED)
    client.force_login(facilitator)
    reauthenticate(client, facilitator)
    response = client.post(reverse("privacy:erase"), {"confirm": "on"})
    assert response.status_code == 200
    assert "Hand your groups to a co-facilitator first" in response.content.decode()
    assert not _erased(facilitator)


def test_erase_signs_the_person_out_and_confirms(client, person, waiting):
    client.force_login(person.user)
    reauthenticate(client, person.user)
    response = client.post(reverse("privacy:erase"), {"confirm": "on"})
    assert response.status_code == 302
    assert response.url == reverse("privacy:erased")
    assert _erased(person.user)
    assert SESSION_KEY not in client.session
    assert client.get(reverse("privacy:index")).status_code == 302  # signed out
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    page = client.get(reverse("privacy:erased"))
    assert "Your account has been deleted" in page.content.decode()
    assert client.get(reverse("privacy:erased")).status_code == 302  # shown once


def test_the_confirmation_page_is_not_shown_out_of_the_blue(client):
    assert client.get(reverse("privacy:erased")).url == reverse("home")


def test_an_erased_person_cannot_sign_in_again(client, person):
    email = person.user.email
    client.force_login(person.user)
    reauthenticate(client, person.user)
    client.post(reverse("privacy:erase"), {"confirm": "on"})
    assert not client.login(email=email, password=PASSWORD)
