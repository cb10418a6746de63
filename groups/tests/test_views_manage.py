from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory
from groups.models import Facilitation, GroupSession, PeerGroup
from groups.tests.factories import GroundRulesFactory, PeerGroupFactory, ScheduleFactory
from signups.models import Booking


def form_data(**changes) -> dict:
    data = {
        "title": "Tuesday Balint group", "format": "balint", "description": "Cases and feelings.",
        "delivery": "online", "ground_rules": "What is said here stays here.",
        "first_date": (timezone.localdate() + timedelta(days=10)).isoformat(), "start_time": "12:45",
        "ends": "count", "count": "10",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def group(facilitator):
    group = PeerGroupFactory(facilitators=[facilitator], title="Existing group")
    GroundRulesFactory(group=group, version=1)
    ScheduleFactory(group=group)
    return group


def test_a_facilitator_creates_a_group_and_blank_fields_take_the_formats_defaults(client, facilitator):
    client.force_login(facilitator)

    response = client.post(reverse("groups:create"), form_data())

    group = PeerGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:manage", args=[group.code])
    assert (group.status, group.membership, group.capacity, group.duration_minutes) == ("draft", "closed", 10, 75)
    assert group.schedule.frequency == "fortnightly"
    assert group.schedule.count == 10
    assert group.sessions.count() == 7  # the first session and the 12 weeks after it
    assert list(group.facilitators.all()) == [facilitator]


def test_the_create_page_offers_the_formats_defaults(client, facilitator):
    client.force_login(facilitator)

    content = client.get(reverse("groups:create")).content.decode()

    assert 'id="format-defaults"' in content
    assert "groups-format-defaults.js" in content
    assert "Drop-in common room" in content


def test_a_practitioner_cannot_create_a_group(client, practitioner):
    client.force_login(practitioner)

    page = client.get(reverse("groups:create"))
    post = client.post(reverse("groups:create"), form_data())

    assert page.status_code == post.status_code == 403
    assert "Only facilitators can run groups" in page.content.decode()
    assert not PeerGroup.objects.exists()


def test_creating_needs_sign_in(client):
    assert client.get(reverse("groups:create")).status_code == 302


@pytest.mark.parametrize(("changes", "message"), [
    ({"start_time": "14:00", "end_time": "13:00"}, "The end time must be after the start time"),
    ({"end_time": "15:30"}, "Sessions must last between 60 and 90 minutes"),
    ({"capacity": "40"}, "Enter a number of places between 6 and 12"),
    ({"capacity": "99999999999999999999"}, "Ensure this value is less than or equal to"),
    ({"count": "105"}, "between 1 and 104"),
    ({"ends": "until", "until": "2099-01-01"}, "within 2 years"),
    ({"ends": "until", "until": None}, "Enter the date of the last session"),
    ({"first_date": "2020-01-01"}, "The first session must be in the future"),
    ({"delivery": "in_person"}, "Enter where the group meets"),
    ({"delivery": "external"}, "Enter the meeting link"),
    ({"delivery": "external", "external_url": "http://meet.example.com/x"}, "Enter a valid URL"),
    ({"delivery": "external", "external_url": "javascript:alert(1)"}, "Enter a valid URL"),
    ({"title": "x" * 5000}, "Ensure this value has at most 120 characters"),
    ({"format": "yoga"}, "Select a valid choice"),
    ({"capacity": "ten", "first_date": "yesterday", "start_time": "noonish"}, "Enter a whole number"),
    ({"professions": ["doctor", "wizard"]}, "Select a valid choice"),
])
def test_bad_input_is_a_field_error_and_saves_nothing(client, facilitator, changes, message):
    client.force_login(facilitator)

    response = client.post(reverse("groups:create"), form_data(**changes))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in content
    assert "nhsuk-error-summary" in content
    assert message in content
    assert not PeerGroup.objects.exists()


def test_an_empty_post_is_a_set_of_field_errors(client, facilitator):
    client.force_login(facilitator)

    response = client.post(reverse("groups:create"), {})

    assert response.status_code == 200
    assert "Enter a title" in response.content.decode()
    assert "Enter the date of the first session" in response.content.decode()


def test_the_facilitator_edits_their_group(client, facilitator, group):
    client.force_login(facilitator)
    page = client.get(reverse("groups:edit", args=[group.code]))

    response = client.post(reverse("groups:edit", args=[group.code]), form_data(
        format="reflective", title="Renamed", capacity="9", frequency="weekly",
        first_date=group.schedule.first_date.isoformat(), ground_rules="New rules."))

    assert page.status_code == 200
    assert 'value="Existing group"' in page.content.decode()
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.title, group.capacity) == ("Renamed", 9)
    assert group.current_ground_rules.version == 2


@pytest.mark.parametrize("person", ["other_facilitator", "practitioner", "outsider"])
@pytest.mark.parametrize("page", ["edit", "manage", "facilitators"])
def test_others_get_404_on_a_groups_facilitator_pages(client, request, group, person, page):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse(f"groups:{page}", args=[group.code])).status_code == 404
    assert client.post(reverse(f"groups:{page}", args=[group.code]), form_data()).status_code in (404, 405)
    group.refresh_from_db()
    assert group.title == "Existing group"


@pytest.mark.parametrize("page", ["edit", "manage", "facilitators"])
def test_a_programme_admin_may_manage_any_group(client, programme_admin, group, page):
    client.force_login(programme_admin)

    assert client.get(reverse(f"groups:{page}", args=[group.code])).status_code == 200


def test_the_manage_page_shows_booked_and_waiting_counts(client, facilitator, group, practitioner, outsider):
    session = group.sessions.create(starts_at=timezone.now() + timedelta(days=2),
                                    ends_at=timezone.now() + timedelta(days=2, hours=1))
    Booking.objects.create(session=session, user=practitioner, status="confirmed")
    Booking.objects.create(session=session, user=outsider, status="waitlisted")
    client.force_login(facilitator)

    content = client.get(reverse("groups:manage", args=[group.code])).content.decode()

    assert "1 of 8" in content
    assert reverse("groups:session_roster", args=[session.code]) in content


def test_groups_i_run_lists_my_groups(client, facilitator, other_facilitator, group):
    PeerGroupFactory(title="Not mine", facilitators=[other_facilitator])
    client.force_login(facilitator)

    content = client.get(reverse("groups:facilitate")).content.decode()

    assert "Existing group" in content
    assert "Not mine" not in content


def test_groups_i_run_is_for_facilitators(client, practitioner):
    client.force_login(practitioner)

    assert client.get(reverse("groups:facilitate")).status_code == 403


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_state_changes_reject_get(client, facilitator, group, action):
    group.status = "draft"
    group.save()
    client.force_login(facilitator)

    assert client.get(reverse(f"groups:{action}", args=[group.code])).status_code == 405
    group.refresh_from_db()
    assert group.status == "draft"


@pytest.mark.parametrize("action", ["publish", "archive"])
@pytest.mark.parametrize("person", ["other_facilitator", "outsider"])
def test_state_changes_give_others_404(client, request, group, action, person):
    group.status = "draft"
    group.save()
    client.force_login(request.getfixturevalue(person))

    assert client.post(reverse(f"groups:{action}", args=[group.code])).status_code == 404
    group.refresh_from_db()
    assert group.status == "draft"


def test_publishing_and_archiving(client, facilitator, group):
    group.status = "draft"
    group.save()
    client.force_login(facilitator)

    client.post(reverse("groups:publish", args=[group.code]))
    group.refresh_from_db()
    assert group.status == "published"
    assert group.sessions.exists()

    client.post(reverse("groups:archive", args=[group.code]))
    group.refresh_from_db()
    assert group.status == "archived"
    assert not group.sessions.filter(status=GroupSession.Status.SCHEDULED).exists()


def test_publishing_twice_is_a_message_not_an_error(client, facilitator, group):
    client.force_login(facilitator)

    response = client.post(reverse("groups:publish", args=[group.code]), follow=True)

    assert response.status_code == 200
    assert "Only a draft group can be published" in response.content.decode()


def test_adding_a_co_facilitator_by_email(client, facilitator, other_facilitator, practitioner, group):
    client.force_login(facilitator)
    url = reverse("groups:facilitators", args=[group.code])

    refused = client.post(url, {"email": practitioner.email})
    garbage = client.post(url, {"email": "not an email" * 100})
    added = client.post(url, {"email": other_facilitator.email})

    assert "There is no facilitator with this email address" in refused.content.decode()
    assert garbage.status_code == 200
    assert added.status_code == 302
    assert set(group.facilitators.all()) == {facilitator, other_facilitator}
    page = client.get(url).content.decode()
    assert other_facilitator.display_name in page
    assert other_facilitator.email not in page


def test_a_programme_admin_assigns_any_facilitator(client, programme_admin, group):
    newcomer = FacilitatorFactory()
    client.force_login(programme_admin)

    client.post(reverse("groups:facilitators", args=[group.code]), {"email": newcomer.email})

    assert newcomer in group.facilitators.all()


def test_removing_a_co_facilitator_but_never_the_last(client, facilitator, other_facilitator, group):
    Facilitation.objects.create(group=group, user=other_facilitator)
    theirs = Facilitation.objects.get(group=group, user=other_facilitator)
    mine = Facilitation.objects.get(group=group, user=facilitator)
    client.force_login(facilitator)

    assert client.get(reverse("groups:facilitator_remove", args=[group.code, theirs.code])).status_code == 405
    client.post(reverse("groups:facilitator_remove", args=[group.code, theirs.code]))
    response = client.post(reverse("groups:facilitator_remove", args=[group.code, mine.code]), follow=True)

    assert list(group.facilitators.all()) == [facilitator]
    assert "A group always has at least one facilitator" in response.content.decode()


def test_an_outsider_cannot_remove_a_facilitator(client, outsider, other_facilitator, group):
    Facilitation.objects.create(group=group, user=other_facilitator)
    theirs = Facilitation.objects.get(group=group, user=other_facilitator)
    client.force_login(outsider)

    response = client.post(reverse("groups:facilitator_remove", args=[group.code, theirs.code]))

    assert response.status_code == 404
    assert group.facilitators.count() == 2


def test_a_facilitation_code_of_another_group_is_404(client, facilitator, other_facilitator, group):
    elsewhere = PeerGroupFactory(facilitators=[other_facilitator, FacilitatorFactory()])
    theirs = Facilitation.objects.filter(group=elsewhere).first()
    client.force_login(facilitator)

    assert client.post(reverse("groups:facilitator_remove", args=[group.code, theirs.code])).status_code == 404
    assert elsewhere.facilitators.count() == 2


def test_publishing_a_group_without_sessions_is_refused_with_an_error_summary(client, facilitator, group):
    group.status = "draft"
    group.save()
    group.schedule.delete()
    client.force_login(facilitator)

    response = client.post(reverse("groups:publish", args=[group.code]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in content
    assert 'class="nhsuk-error-summary"' in content
    assert "This group has no upcoming sessions" in content
    assert reverse("groups:edit", args=[group.code]) in content
    group.refresh_from_db()
    assert group.status == "draft"


def test_a_group_starting_in_five_months_shows_its_sessions_on_the_manage_page(client, facilitator):
    client.force_login(facilitator)
    first = timezone.localdate() + timedelta(weeks=21)
    client.post(reverse("groups:create"), form_data(first_date=first.isoformat(), ends="ongoing", count=None,
                                                    frequency="weekly"))
    group = PeerGroup.objects.get()

    content = client.get(reverse("groups:manage", args=[group.code])).content.decode()

    assert "No upcoming sessions" not in content
    assert group.sessions.count() == 13
    client.post(reverse("groups:publish", args=[group.code]))
    group.refresh_from_db()
    assert group.status == "published"
