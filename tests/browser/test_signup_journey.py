"""A new person signs up, verifies from the outbox, completes onboarding and
reaches the home page, in Debian Chromium."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"


def _verification_link(outbox: Path) -> str:
    (message,) = outbox.glob("*.eml")
    text = message.read_text().replace("=\n", "")  # undo quoted-printable soft breaks
    return re.search(r"(/accounts/confirm-email/[^\s/]+/)", text).group(1)


def test_a_new_person_signs_up_verifies_onboards_and_reaches_home(page, live_server, settings, tmp_path):
    settings.MAILERS = {"default": {"BACKEND": "core.mail.OutboxEmailBackend",
                                    "OPTIONS": {"file_path": str(tmp_path / "outbox")}}}

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Email").fill("new.starter@gstt.nhs.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    page.goto(live_server.url + _verification_link(tmp_path / "outbox"))
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Set up your profile").wait_for()
    page.get_by_label("Display name").fill("Robin")
    page.get_by_label("Midwife").check()
    page.get_by_label("Foundation Year 2").check()
    page.get_by_label("NHS region or nation").select_option("wales")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Hello, Robin").wait_for()
    assert page.url == live_server.url + "/"
    page.get_by_role("link", name="Need help now?").first.click()
    page.get_by_text("116 123").wait_for()


def test_a_refused_domain_gets_the_error_summary(page, live_server):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("someone@gmail.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "Use your NHS work email address" in summary.inner_text()
