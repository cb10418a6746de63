from datetime import time, timedelta

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


@pytest.mark.parametrize("action", ["publish", "restore"])
def test_state_changes_reject_get(client, facilitator, group, action):
    group.status = "draft"
    group.save()
    client.force_login(facilitator)

    assert client.get(reverse(f"groups:{action}", args=[group.code])).status_code == 405
    group.refresh_from_db()
    assert group.status == "draft"


@pytest.mark.parametrize("action", ["publish", "archive", "restore"])
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


# Changing a published group's schedule: check, then confirm (issue 15, item 3)

@pytest.fixture
def tuesday_group(facilitator, practitioner, outsider):
    """A published weekly group on Tuesdays at 6:30pm: the first session booked
    by two people (one waiting), the second moved by hand, the third cancelled."""
    from groups.recurrence import ScheduleSpec
    from groups.services import schedule_save, session_cancel, session_move
    from groups.tests.factories import a_future_weekday

    group = PeerGroupFactory(facilitators=[facilitator], title="Tuesday group", membership="open")
    GroundRulesFactory(group=group, version=1)
    schedule_save(group=group, spec=ScheduleSpec("weekly", a_future_weekday(1), time(18, 30)))
    first, second, third = group.sessions.order_by("starts_at")[:3]
    Booking.objects.create(session=first, user=practitioner, status="confirmed")
    Booking.objects.create(session=first, user=outsider, status="waitlisted")
    session_move(session=second, starts_at=second.starts_at + timedelta(days=1),
                 ends_at=second.ends_at + timedelta(days=1))
    session_cancel(session=third)
    return group


def tuesday_form(group, **changes) -> dict:
    values = dict(format="reflective", membership="open", frequency="weekly", ends="ongoing", count=None,
                  first_date=group.schedule.first_date.isoformat(), start_time="18:30", end_time="19:45")
    return form_data(**{**values, **changes})


def local_times(group) -> set[str]:
    return {timezone.localtime(s.starts_at).strftime("%a %H:%M") for s in group.sessions.all()}


def test_a_new_time_for_a_published_group_is_shown_for_checking_before_anything_changes(
        client, facilitator, tuesday_group):
    client.force_login(facilitator)
    before = local_times(tuesday_group)
    moving = tuesday_group.sessions.count() - 2

    response = client.post(reverse("groups:edit", args=[tuesday_group.code]),
                           tuesday_form(tuesday_group, start_time="19:00", end_time="20:15"))

    content = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Check the changes to the sessions" in content
    assert f"{moving} sessions will move from Tuesday 6:30pm to Tuesday 7pm" in content
    assert "2 people with a place or on the waiting list will be told the old and new time" in content
    assert "1 moved session and 1 cancelled session stay as they are" in content
    assert 'name="confirm"' in content
    assert 'name="back"' in content
    assert 'type="hidden" name="start_time" value="19:00"' in content
    assert local_times(tuesday_group) == before  # nothing saved yet


def test_confirming_moves_the_sessions_with_their_bookings(client, facilitator, tuesday_group, practitioner):
    client.force_login(facilitator)
    url = reverse("groups:edit", args=[tuesday_group.code])
    data = tuesday_form(tuesday_group, start_time="19:00", end_time="20:15")
    preview = client.post(url, data).content.decode()
    plan = preview.split('name="plan" value="')[1].split('"')[0]
    count = tuesday_group.sessions.count()

    response = client.post(url, {**data, "plan": plan, "confirm": "yes"})

    assert response.status_code == 302
    assert tuesday_group.sessions.count() == count  # moved, not replaced
    booking = Booking.objects.get(user=practitioner)
    assert booking.status == "confirmed"
    assert timezone.localtime(booking.session.starts_at).strftime("%H:%M") == "19:00"
    scheduled = tuesday_group.sessions.filter(status="scheduled", is_exception=False)
    assert {timezone.localtime(s.starts_at).strftime("%a %H:%M") for s in scheduled} == {"Tue 19:00"}
    assert tuesday_group.sessions.filter(is_exception=True).count() == 2


def test_going_back_returns_to_the_form_as_typed_and_saves_nothing(client, facilitator, tuesday_group):
    client.force_login(facilitator)
    before = local_times(tuesday_group)

    response = client.post(reverse("groups:edit", args=[tuesday_group.code]),
                           {**tuesday_form(tuesday_group, start_time="19:00", end_time="20:15"), "back": "yes"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Edit Tuesday group" in content
    assert 'value="19:00"' in content
    assert local_times(tuesday_group) == before


def test_weekly_to_fortnightly_says_which_booked_sessions_will_be_cancelled(client, facilitator, tuesday_group):
    client.force_login(facilitator)
    first = tuesday_group.sessions.order_by("starts_at").first()
    start = timezone.localdate(first.starts_at) + timedelta(weeks=1)  # the booked week drops out

    response = client.post(reverse("groups:edit", args=[tuesday_group.code]), tuesday_form(
        tuesday_group, frequency="fortnightly", first_date=start.isoformat()))

    content = " ".join(response.content.decode().split())
    assert "1 session will be cancelled because the new schedule no longer includes it; 2 people will be told" \
        in content
    first.refresh_from_db()
    assert not first.is_cancelled


def test_a_confirmation_of_changes_that_have_since_changed_is_refused(
        client, facilitator, tuesday_group, other_facilitator):
    client.force_login(facilitator)
    url = reverse("groups:edit", args=[tuesday_group.code])
    data = tuesday_form(tuesday_group, start_time="19:00", end_time="20:15")
    preview = client.post(url, data).content.decode()
    plan = preview.split('name="plan" value="')[1].split('"')[0]
    Booking.objects.create(session=tuesday_group.sessions.order_by("starts_at")[3], user=other_facilitator,
                           status="confirmed")

    response = client.post(url, {**data, "plan": plan, "confirm": "yes"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "changed while you were checking" in content
    assert 'class="nhsuk-error-summary"' in content
    assert "Tue 18:30" in local_times(tuesday_group)


@pytest.mark.parametrize("person", ["other_facilitator", "practitioner", "outsider"])
def test_outsiders_get_404_when_confirming_a_schedule_change(client, request, tuesday_group, person):
    client.force_login(request.getfixturevalue(person))
    before = local_times(tuesday_group)

    response = client.post(reverse("groups:edit", args=[tuesday_group.code]), {
        **tuesday_form(tuesday_group, start_time="19:00", end_time="20:15"), "confirm": "yes", "plan": "x"})

    assert response.status_code == 404
    assert local_times(tuesday_group) == before


def test_a_draft_groups_schedule_changes_without_a_confirmation_step(client, facilitator, tuesday_group):
    Booking.objects.all().delete()
    tuesday_group.status = "draft"
    tuesday_group.save()
    client.force_login(facilitator)

    response = client.post(reverse("groups:edit", args=[tuesday_group.code]),
                           tuesday_form(tuesday_group, start_time="19:00", end_time="20:15"))

    assert response.status_code == 302
    assert "Tue 19:00" in local_times(tuesday_group)
