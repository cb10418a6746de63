"""What every signed-in request costs (bench S6), and that the savings keep
the security behaviour: roles and two-factor rules still come from the
database on every request."""

import time

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import is_facilitator, is_programme_admin
from accounts.tests.factories import role_grant, role_revoke
from core.testing import queries_for


def _browse(client, **headers):
    response = client.get(reverse("groups:browse"), **headers)
    assert response.status_code == 200
    return response


def test_a_signed_in_page_costs_five_queries_once_the_browser_is_recorded(client, practitioner):
    client.force_login(practitioner)
    _browse(client)
    # The session, the person, their roles, the page's own count, unread notifications.
    assert queries_for(lambda: _browse(client)) <= 5


def test_roles_are_read_in_one_query_and_only_when_asked_for(practitioner, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not is_facilitator(practitioner)
        assert not is_programme_admin(practitioner)
        assert practitioner.get_all_permissions() == set()


def test_a_request_that_asks_for_no_role_reads_none(client, practitioner):
    client.force_login(practitioner)
    session = client.session
    session["mfa_ok"] = True  # as for a facilitator who has set it up
    session.save()
    _browse(client)
    with CaptureQueriesContext(connection) as context:
        response = client.post(reverse("accounts:session_extend"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert not any(Permission._meta.db_table in q["sql"] for q in context.captured_queries)


def test_the_browser_is_recorded_on_its_first_request(client, practitioner):
    client.force_login(practitioner)
    UserSession.objects.all().delete()
    _browse(client)
    assert UserSession.objects.filter(user=practitioner, session_key=client.session.session_key).exists()


def test_activity_is_written_at_most_once_a_minute(client, practitioner):
    client.force_login(practitioner)
    _browse(client)
    row = UserSession.objects.get(session_key=client.session.session_key)
    _browse(client)
    assert UserSession.objects.get(pk=row.pk).last_seen_at == row.last_seen_at
    session = client.session
    session["activity_at"] = time.time() - 61
    session.save()
    _browse(client)
    assert UserSession.objects.get(pk=row.pk).last_seen_at > row.last_seen_at


def test_a_change_of_browser_is_recorded_at_once(client, practitioner):
    client.force_login(practitioner)
    _browse(client, HTTP_USER_AGENT="Ward PC")
    _browse(client, HTTP_USER_AGENT="Phone")
    assert UserSession.objects.get(session_key=client.session.session_key).user_agent == "Phone"


def test_a_role_granted_mid_session_requires_two_factor_on_the_next_request(client, practitioner):
    client.force_login(practitioner)
    _browse(client)
    role_grant(user=practitioner, role="facilitator")
    response = client.get(reverse("groups:browse"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_a_role_removed_mid_session_is_gone_on_the_next_request(client, facilitator):
    client.force_login(facilitator)
    facilitate = reverse("groups:facilitate")
    assert facilitate in _browse(client).content.decode()
    role_revoke(user=facilitator, role="facilitator")
    assert facilitate not in _browse(client).content.decode()


def test_two_factor_is_still_checked_for_a_facilitator_without_it(client, facilitator):
    Authenticator.objects.filter(user=facilitator).delete()
    client.force_login(facilitator)
    response = client.get(reverse("groups:browse"))
    assert response.url == reverse("mfa_activate_totp")
