import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

VALID = {
    "display_name": "  Sam   K ",
    "profession": "nurse",
    "career_stage": "fy1",
    "region": "london",
    "organisation": "",
}


@pytest.fixture
def newcomer(db):
    return UserFactory(onboarded_at=None, display_name="", profession="", career_stage="", region="")


def test_a_new_person_is_sent_to_onboarding_before_anything_else(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:onboarding"))


def test_help_is_reachable_before_onboarding(client, newcomer):
    client.force_login(newcomer)
    assert client.get(reverse("need_help")).status_code == 200


def test_onboarding_saves_the_profile_and_returns_home(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding") + "?next=/", VALID)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_onboarded
    assert newcomer.display_name == "Sam K"
    assert client.get(reverse("home")).status_code == 200


def test_onboarding_explains_display_names_and_aggregate_use(client, newcomer):
    client.force_login(newcomer)
    page = client.get(reverse("accounts:onboarding")).content.decode()
    assert "Other members see only this name" in page
    assert "anonymous, aggregate reports" in page
    assert "Foundation Year 1" in page


def test_missing_answers_show_the_error_summary(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding"), {"display_name": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "nhsuk-error-message" in page
    assert page.count('href="#id_') >= 4
    newcomer.refresh_from_db()
    assert not newcomer.is_onboarded


@pytest.mark.parametrize(
    "data",
    [
        {**VALID, "profession": "astronaut"},
        {**VALID, "display_name": "x" * 5000},
        {**VALID, "display_name": "me@nhs.net"},
        {**VALID, "region": "x" * 10000},
        {"display_name": "\x00"},
    ],
)
def test_malformed_answers_are_field_errors_not_crashes(client, newcomer, data):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_onboarding_ignores_an_offsite_next(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding") + "?next=https://evil.example/", VALID)
    assert response.url == "/"


def test_the_profile_page_edits_the_answers(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("accounts:profile"), {**VALID, "display_name": "Robin"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.display_name == "Robin"


def test_the_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_error_summary_names_each_missing_field(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding"), {"display_name": "", "organisation": ""})
    summary = response.content.decode().split('nhsuk-error-summary__list">')[1].split("</ul>")[0]
    for message in ("Enter a display name", "Select your profession", "Select your career stage",
                    "Select your NHS region or nation"):
        assert message in summary
    assert "This field is required" not in summary


def test_a_made_up_choice_is_named_too(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:onboarding"), {**VALID, "profession": "wizard"})
    assert "Select your profession" in response.content.decode()
