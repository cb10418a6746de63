from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
from signups.models import Booking


@pytest.fixture
def session(facilitator):
    group = PeerGroupFactory(facilitators=[facilitator])
    return GroupSessionFactory(group=group)


def local_parts(moment):
    moment = timezone.localtime(moment)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def test_the_roster_shows_display_names_never_emails(client, facilitator, session):
    person = UserFactory(display_name="Kit", email="kit.private@nhs.net")
    Booking.objects.create(session=session, user=person, status="confirmed")
    Booking.objects.create(session=session, user=UserFactory(display_name="Lee"), status="waitlisted")
    client.force_login(facilitator)

    content = client.get(reverse("groups:session_roster", args=[session.code])).content.decode()

    assert "Kit" in content
    assert "Lee" in content
    assert "kit.private@nhs.net" not in content
    assert "With a place (1 of 8)" in content


@pytest.mark.parametrize("page", ["session_roster", "session_move", "session_cancel"])
@pytest.mark.parametrize("person", ["other_facilitator", "practitioner", "outsider"])
def test_others_get_404_on_session_pages(client, request, session, page, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse(f"groups:{page}", args=[session.code])).status_code == 404
    assert client.post(reverse(f"groups:{page}", args=[session.code]), {"reason": "x"}).status_code in (404, 405)
    session.refresh_from_db()
    assert not session.is_cancelled


def test_a_garbage_session_code_is_404(client, facilitator):
    client.force_login(facilitator)

    assert client.get("/groups/sessions/%2E%2E%00nope/move/").status_code == 404
    assert client.get("/groups/sessions/" + "x" * 5000 + "/move/").status_code == 404


def test_moving_a_session(client, facilitator, session):
    client.force_login(facilitator)
    day, _ = local_parts(session.starts_at + timedelta(days=1))

    page = client.get(reverse("groups:session_move", args=[session.code]))
    response = client.post(reverse("groups:session_move", args=[session.code]),
                           {"date": day, "start_time": "18:15", "end_time": "19:30"})

    assert page.status_code == 200
    assert response.status_code == 302
    session.refresh_from_db()
    assert local_parts(session.starts_at) == (day, "18:15")
    assert local_parts(session.ends_at) == (day, "19:30")
    assert session.is_exception


@pytest.mark.parametrize(("data", "message"), [
    ({"start_time": "14:00", "end_time": "13:00"}, "The end time must be after the start time"),
    ({"date": "2001-01-01"}, "The new time must be in the future"),
    ({"date": "someday", "start_time": "25:99"}, "Date must be a real date"),
    ({}, "Enter the date"),
])
def test_moving_refuses_bad_input(client, facilitator, session, data, message):
    client.force_login(facilitator)
    before = session.starts_at
    day, _ = local_parts(session.starts_at + timedelta(days=1))
    posted = {"date": day, "start_time": "10:00", "end_time": "11:00", **data} if data else {}

    response = client.post(reverse("groups:session_move", args=[session.code]), posted)

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert message in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == before


def test_cancelling_a_session_only_happens_on_post(client, facilitator, session):
    client.force_login(facilitator)

    page = client.get(reverse("groups:session_cancel", args=[session.code]))
    session.refresh_from_db()
    assert page.status_code == 200
    assert not session.is_cancelled

    response = client.post(reverse("groups:session_cancel", args=[session.code]), {"reason": "Facilitator unwell"})

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.is_cancelled
    assert session.cancelled_reason == "Facilitator unwell"


def test_a_cancel_reason_is_bounded(client, facilitator, session):
    client.force_login(facilitator)

    response = client.post(reverse("groups:session_cancel", args=[session.code]), {"reason": "x" * 1000})

    assert response.status_code == 200
    session.refresh_from_db()
    assert not session.is_cancelled


def test_a_programme_admin_may_cancel_a_session(client, programme_admin, session):
    client.force_login(programme_admin)

    client.post(reverse("groups:session_cancel", args=[session.code]), {})

    session.refresh_from_db()
    assert session.is_cancelled


def test_access_helpers_refuse_malformed_codes_without_a_query(db, facilitator, django_assert_num_queries):
    from django.http import Http404

    from groups.access import get_group_for_user, get_session_for_user

    for code in ["bad\x00code", "x" * 5000, "../x", ""]:
        with django_assert_num_queries(0), pytest.raises(Http404):
            get_group_for_user(facilitator, code)
        with django_assert_num_queries(0), pytest.raises(Http404):
            get_session_for_user(facilitator, code)
