from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.models import Eligibility
from groups.tests.factories import GroundRulesFactory, GroupSessionFactory, PeerGroupFactory
from signups.models import Booking, Membership


def soon(hours=24):
    return timezone.now() + timedelta(hours=hours)


def a_group(**kwargs):
    group = PeerGroupFactory(**kwargs)
    for day in (1, 8):
        s = GroupSessionFactory(group=group, starts_at=soon(24 * day), ends_at=soon(24 * day + 1))
        Booking.objects.create(session=s, user=UserFactory(), status="confirmed")
    return group


def queries_for_an_empty_list(client, url, query) -> int:
    """Queries a list page makes with no results: sessions, permissions, the count."""
    client.get(url, query)  # the sign-in's first-request bookkeeping happens once
    with CaptureQueriesContext(connection) as empty:
        response = client.get(url, query)
    assert response.context["page"].paginator.count == 0
    return len(empty.captured_queries)


def test_signed_out_visitors_browse_published_open_groups_only(client, facilitator):
    member = UserFactory(display_name="Jo Secret")
    open_group = a_group(title="Open reflective practice", facilitators=[facilitator])
    open_group.eligibility.create(kind="profession", value="nurse")
    Booking.objects.create(session=open_group.sessions.first(), user=member, status="confirmed")
    closed = a_group(title="Closed Balint", membership="closed", format="balint")
    a_group(title="A draft", status="draft")
    a_group(title="An archived group", status="archived")

    page = client.get(reverse("groups:browse")).text
    assert "Open reflective practice" in page
    assert "Nurses" in page  # who it is for
    for hidden in ("Closed Balint", "A draft", "An archived group"):
        assert hidden not in page
    assert "Sign in</a> to see every group" in page
    assert "Only groups open to my profession" not in page  # no profile to match

    detail = client.get(reverse("groups:detail", args=[open_group.code]))
    assert detail.status_code == 200
    assert "Sign in to book a place" in detail.text
    assert "Nurses" in detail.text
    assert "Jo Secret" not in detail.text  # never who is in it
    assert facilitator.display_name not in detail.text
    assert 'action="' + reverse("signups:book", args=[open_group.sessions.first().code]) not in detail.text
    # Anything else asks them to sign in, exactly as a code that does not exist.
    for code in (closed.code, "AAAAAAAAAAAA"):
        response = client.get(reverse("groups:detail", args=[code]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_keyword_search_matches_title_description_and_format(client, practitioner):
    a_group(title="Night shift common room", format="common_room", capacity=10, description="Tea and talk.")
    a_group(title="Thursday group", description="For people coping with grief at work.")
    a_group(title="Case discussion", format="balint", membership="closed")
    client.force_login(practitioner)

    def found(q):
        return [g.title for g in client.get(reverse("groups:browse"), {"q": q}).context["page"].object_list]

    assert found("night") == ["Night shift common room"]
    assert found("GRIEF") == ["Thursday group"]
    assert found("balint") == ["Case discussion"]
    assert found("common night") == ["Night shift common room"]  # every word must match
    assert found("night grief") == []
    assert len(found("")) == 3
    # Long or odd input is bounded and never an error.
    response = client.get(reverse("groups:browse"), {"q": "x" * 5000 + "\x00%"})
    assert response.status_code == 200
    assert f'maxlength="{100}"' in response.text
    assert len(response.context["form"].cleaned_data["q"]) <= 100


def test_on_a_phone_results_come_first_with_filters_behind_a_button(client, practitioner):
    a_group(title="Any group")
    client.force_login(practitioner)
    page = client.get(reverse("groups:browse"), {"where": "online"}).text
    # The filters are folded in a details element (works without JavaScript),
    # which says how many are applied, and the results follow the search box.
    assert '<details class="nhsuk-details app-filters">' in page
    assert "Filter (1 applied)" in page
    assert page.index('name="q"') < page.index("Filter (1 applied)") < page.index("Any group")


def test_browse_lists_published_groups_with_next_session_and_places(client, practitioner):
    group = a_group(title="Midweek reflective practice", capacity=8)
    PeerGroupFactory(title="A draft", status="draft")
    client.force_login(practitioner)

    response = client.get(reverse("groups:browse"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Midweek reflective practice" in content
    assert reverse("groups:detail", args=[group.code]) in content
    assert "A draft" not in content
    assert "1 group found" in content
    assert "<dd class=\"nhsuk-summary-list__value\">7</dd>" in content  # places left


def test_browse_filters_through_the_get_form(client, practitioner):
    a_group(title="A Balint group", format="balint")
    a_group(title="A Schwartz Round", format="schwartz")
    client.force_login(practitioner)

    content = client.get(reverse("groups:browse"), {"format": "schwartz"}).content.decode()

    assert "A Schwartz Round" in content
    assert "A Balint group" not in content


@pytest.mark.parametrize("query", [
    {"format": "x" * 10_000},
    {"weekday": "Thursday", "time_of_day": "dawn", "where": "moon", "membership": "?"},
    {"page": "not-a-number"},
    {"page": "99999999999999999999"},
    {"for_me": "\x00", "places": "[]"},
])
def test_browse_shrugs_off_garbage(client, practitioner, query):
    a_group(title="Still here")
    client.force_login(practitioner)

    response = client.get(reverse("groups:browse"), query)

    assert response.status_code == 200
    assert "Still here" in response.content.decode()


def test_browse_paginates(client, practitioner):
    for n in range(12):
        PeerGroupFactory(title=f"Group number {n:02d}")
    client.force_login(practitioner)

    first = client.get(reverse("groups:browse"), {"format": "reflective"}).content.decode()
    second = client.get(reverse("groups:browse"), {"format": "reflective", "page": 2}).content.decode()

    assert "Group number 00" in first
    assert "Group number 10" not in first
    assert "Group number 10" in second
    assert "Group number 00" not in second
    assert "format=reflective&amp;page=2" in first


@pytest.mark.parametrize("count", [3, 30])
def test_browse_query_count_stays_flat(client, practitioner, django_assert_max_num_queries, count):
    for n in range(count):
        group = a_group(title=f"Group {n}")
        Eligibility.objects.create(group=group, kind="profession", value="nurse")
    client.force_login(practitioner)
    baseline = queries_for_an_empty_list(client, reverse("groups:browse"), {"format": "webinar"})
    weekday = timezone.localtime(soon(24)).isoweekday()

    # Two more than an empty list: the page of groups, with everything on the
    # cards annotated, and who each group is for (prefetched).
    with django_assert_max_num_queries(baseline + 2):
        response = client.get(reverse("groups:browse"), {"for_me": "on", "places": "on", "weekday": weekday})

    assert response.context["page"].paginator.count == count


def test_the_group_page_shows_what_a_practitioner_needs(client, practitioner, facilitator):
    group = a_group(title="Night shift common room", format="common_room", capacity=10,
                    facilitators=[facilitator], delivery="in_person", venue="Staff room, Level 2")
    GroundRulesFactory(group=group, text="What is said here stays here.")
    client.force_login(practitioner)

    response = client.get(reverse("groups:detail", args=[group.code]))

    content = response.content.decode()
    assert "Night shift common room" in content
    assert "What is said here stays here." in content
    assert "Staff room, Level 2" in content
    assert facilitator.display_name in content
    assert facilitator.email not in content
    assert [s.places_left for s in response.context["sessions"]] == [9, 9]
    assert "Manage this group" not in content


def test_the_group_page_reads_who_it_is_for_once(client, practitioner):
    """The refusal and the page both say who a group is for, from one read."""
    group = a_group(title="Doctors only")
    Eligibility.objects.create(group=group, kind=Eligibility.Kind.PROFESSION, value="doctor")
    client.force_login(practitioner)
    client.get(reverse("groups:detail", args=[group.code]))

    with CaptureQueriesContext(connection) as ctx:
        content = client.get(reverse("groups:detail", args=[group.code])).content.decode()

    assert "This group is for doctors only." in content
    assert len([q for q in ctx.captured_queries if '"groups_eligibility"' in q["sql"]]) == 1


def test_the_meeting_link_is_only_for_people_with_a_place(client, practitioner, outsider):
    group = a_group(delivery="external", external_url="https://meet.example.com/secret-room")
    Booking.objects.create(session=group.sessions.first(), user=practitioner, status="confirmed")

    client.force_login(outsider)
    assert "secret-room" not in client.get(reverse("groups:detail", args=[group.code])).content.decode()
    client.force_login(practitioner)
    assert "secret-room" in client.get(reverse("groups:detail", args=[group.code])).content.decode()


def test_members_of_a_closed_group_see_each_others_display_names_only(client, practitioner, outsider):
    group = a_group(membership="closed")
    Membership.objects.create(group=group, user=practitioner, status="accepted")
    fellow = UserFactory(display_name="Fellow member")
    Membership.objects.create(group=group, user=fellow, status="accepted")

    client.force_login(outsider)
    assert "Fellow member" not in client.get(reverse("groups:detail", args=[group.code])).content.decode()
    client.force_login(practitioner)
    content = client.get(reverse("groups:detail", args=[group.code])).content.decode()
    assert "Fellow member" in content
    assert fellow.email not in content


def test_an_outsider_gets_404_for_a_draft_group(client, outsider, facilitator):
    draft = PeerGroupFactory(status="draft", facilitators=[facilitator])
    client.force_login(outsider)

    assert client.get(reverse("groups:detail", args=[draft.code])).status_code == 404
    assert client.get(reverse("groups:detail", args=["no-such-code"])).status_code == 404


def test_a_facilitator_sees_their_own_draft_but_not_anothers(client, facilitator, other_facilitator):
    mine = PeerGroupFactory(status="draft", facilitators=[facilitator])
    theirs = PeerGroupFactory(status="draft", facilitators=[other_facilitator])
    client.force_login(facilitator)

    assert "Manage this group" in client.get(reverse("groups:detail", args=[mine.code])).content.decode()
    assert client.get(reverse("groups:detail", args=[theirs.code])).status_code == 404


def test_a_programme_admin_sees_any_group(client, programme_admin):
    draft = PeerGroupFactory(status="draft")
    client.force_login(programme_admin)

    assert client.get(reverse("groups:detail", args=[draft.code])).status_code == 200


def test_the_group_page_rejects_post(client, practitioner):
    group = PeerGroupFactory()
    client.force_login(practitioner)

    assert client.post(reverse("groups:detail", args=[group.code])).status_code == 405


@pytest.mark.parametrize("person", ["practitioner", "facilitator"])
def test_only_programme_admins_see_all_groups(db, client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse("groups:programme")).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_programme_admins_see_every_group_in_flat_queries(client, programme_admin, facilitator,
                                                          django_assert_max_num_queries, count):
    client.force_login(programme_admin)
    baseline = queries_for_an_empty_list(client, reverse("groups:programme"), {})
    for n in range(count):
        a_group(title=f"Group {n:02d}", status=["draft", "published", "archived"][n % 3], facilitators=[facilitator])

    with django_assert_max_num_queries(baseline + 1):
        content = client.get(reverse("groups:programme")).content.decode()

    assert "Group 00" in content
    assert "Group 01" in content
    assert "Group 02" in content
    drafts = client.get(reverse("groups:programme"), {"status": "draft"}).content.decode()
    assert "Group 00" in drafts
    assert "Group 01" not in drafts
    assert client.get(reverse("groups:programme"), {"status": "nonsense", "page": "x"}).status_code == 200
