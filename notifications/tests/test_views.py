from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification, Preference
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:list")
PREFERENCES = reverse("notifications:preferences")
READ_ALL = reverse("notifications:read_all")


def shown(user, **kwargs) -> Notification:
    kwargs.setdefault("kind", Kind.SESSION_MOVED)  # one that needs the person (NEEDS_YOU)
    return NotificationFactory(booking__user=user, status=Notification.Status.SENT, shown_at=timezone.now(), **kwargs)


@pytest.mark.parametrize("person", ["practitioner", "facilitator", "programme_admin"])
def test_each_person_sees_only_their_own_notifications(person, request, client, outsider):
    user = request.getfixturevalue(person)
    mine = shown(user)
    theirs = shown(outsider)
    NotificationFactory(booking__user=user)  # not sent yet: not in the list
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [e["notification"] for e in response.context["entries"]] == [mine]
    assert theirs.booking.session.group.title not in response.content.decode()
    assert "New" in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_list_costs_the_same_few_queries_however_long_it_is(client, practitioner, django_assert_max_num_queries):
    for _ in range(25):
        shown(practitioner)
    client.force_login(practitioner)
    client.get(LIST)  # the first request of a login records the browser session
    # the page takes two (count, rows); the session, user and permissions the rest
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["entries"]) == 20
    assert response.context["page"].has_next()


def test_the_list_shows_the_newest_first_and_pages_without_errors_on_garbage(client, practitioner):
    older = shown(practitioner)
    Notification.objects.filter(pk=older.pk).update(shown_at=timezone.now() - timedelta(days=2))
    newer = shown(practitioner)
    client.force_login(practitioner)
    assert [e["notification"] for e in client.get(LIST).context["entries"]] == [newer, older]
    for page in ["abc", "99999", "-1", "9" * 100]:
        assert client.get(LIST, {"page": page}).status_code == 200


def test_marking_one_as_read(client, practitioner):
    notification = shown(practitioner)
    client.force_login(practitioner)
    response = client.post(reverse("notifications:read", args=[notification.code]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_as_read_rejects_get(client, practitioner):
    notification = shown(practitioner)
    client.force_login(practitioner)
    assert client.get(reverse("notifications:read", args=[notification.code])).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("person", ["outsider", "facilitator", "programme_admin"])
def test_someone_elses_notification_is_a_404(person, request, client, practitioner):
    notification = shown(practitioner)
    client.force_login(request.getfixturevalue(person))
    assert client.post(reverse("notifications:read", args=[notification.code])).status_code == 404
    assert client.post(reverse("notifications:read", args=["no-such-code"])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_as_read_touches_only_mine(client, practitioner, outsider):
    shown(practitioner)
    shown(practitioner)
    theirs = shown(outsider)
    client.force_login(practitioner)
    assert client.post(READ_ALL).status_code == 302
    assert not Notification.objects.filter(user=practitioner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.fixture
def unread_in_context(settings):
    templates = [{**t, "OPTIONS": {**t["OPTIONS"]}} for t in settings.TEMPLATES]
    processors = templates[0]["OPTIONS"]["context_processors"]
    if "notifications.context_processors.unread" not in processors:
        templates[0]["OPTIONS"]["context_processors"] = [*processors, "notifications.context_processors.unread"]
    settings.TEMPLATES = templates


def test_the_unread_count_is_in_every_pages_context(unread_in_context, client, practitioner):
    shown(practitioner)
    shown(practitioner)
    Notification.objects.filter(pk=shown(practitioner).pk).update(read_at=timezone.now())
    client.force_login(practitioner)
    response = client.get(PREFERENCES)
    assert response.context["unread_notifications"]() == 2


def test_signed_out_people_have_no_unread_count(rf):
    from django.contrib.auth.models import AnonymousUser

    from notifications.context_processors import unread

    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread(request) == {"unread_notifications": 0}


def test_the_reminder_choices_start_with_both_on(client, practitioner):
    client.force_login(practitioner)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["reminder_24h"].value()
    assert form["reminder_1h"].value()


@pytest.mark.parametrize(("data", "day", "hour"), [
    ({}, False, False),
    ({"reminder_1h": "on"}, False, True),
    ({"reminder_24h": "on", "reminder_1h": "on"}, True, True),
    ({"reminder_24h": "x" * 10_000, "junk": "1"}, True, False),  # bad input does no harm
])
def test_choosing_reminders(client, practitioner, data, day, hour):
    client.force_login(practitioner)
    response = client.post(PREFERENCES, data)
    assert response.status_code == 302
    preference = Preference.objects.get(user=practitioner)
    assert (preference.reminder_24h, preference.reminder_1h) == (day, hour)


def test_each_person_chooses_only_their_own_reminders(client, practitioner, outsider):
    client.force_login(outsider)
    client.post(PREFERENCES, {})
    assert not Preference.objects.filter(user=practitioner).exists()


def test_reminder_choices_need_signing_in(client):
    assert client.post(PREFERENCES, {}).status_code == 302
    assert not Preference.objects.exists()


def test_the_list_links_each_notification_to_its_session(client, practitioner):
    notification = shown(practitioner, kind=Kind.BOOKING_CONFIRMED, stamp="x")
    client.force_login(practitioner)
    content = client.get(LIST).content.decode()
    assert f"/sessions/{notification.booking.session.code}/" in content


def test_unread_means_needs_you_so_confirmations_never_pile_up(client, practitioner):
    for _ in range(5):
        shown(practitioner, kind=Kind.BOOKING_CONFIRMED)
    shown(practitioner, kind=Kind.REMINDER_24H)
    shown(practitioner, kind=Kind.BOOKING_CANCELLED)
    client.force_login(practitioner)
    page = client.get(LIST).text
    assert len(client.get(LIST).context["entries"]) == 7  # all in the list
    assert '<span class="nhsuk-u-visually-hidden"> unread</span>' not in page  # no badge
    assert ">New</strong>" not in page
    assert "Mark all as read" not in page
    moved = shown(practitioner, kind=Kind.SESSION_MOVED)
    shown(practitioner, kind=Kind.WAITLIST_PROMOTED)
    page = client.get(LIST).text
    assert '>2<span class="nhsuk-u-visually-hidden"> unread</span>' in page
    assert page.count(">New</strong>") == 2
    client.post(reverse("notifications:read", args=[moved.code]))
    assert '>1<span class="nhsuk-u-visually-hidden"> unread</span>' in client.get(LIST).text


def test_the_unread_count_is_the_count_of_unread_notifications(practitioner, outsider):
    """The header's count (one statement through a cursor) against the
    queryset it counts, on random mixes of kinds, shown and read states."""
    import random

    from accounts.tests.factories import UserFactory
    from notifications.selectors import unread_count, unread_notifications

    rng = random.Random(20)
    people = [practitioner, outsider, *UserFactory.create_batch(4)]
    now = timezone.now()
    for person in people:
        for kind in rng.sample(Kind.values, rng.randint(0, 7)):
            NotificationFactory(booking__user=person, kind=kind, shown_at=now if rng.random() < 0.7 else None,
                                read_at=now if rng.random() < 0.4 else None)
    counts = [unread_count(user=person) for person in people]
    assert counts == [unread_notifications(user=person).count() for person in people]
    assert len(set(counts)) >= 3  # the mixes did differ
