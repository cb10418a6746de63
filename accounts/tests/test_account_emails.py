"""Account emails speak in the service's voice: no "Hello from <site>", no
"Person 9", sentence-case subjects, and the "Need help now?" footer that every
email of the service carries."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory


def _assert_in_our_voice(message) -> None:
    body = message.body
    assert "Hello from" not in body
    assert "Thank you for using" not in body
    assert not body.startswith(("Hello", "Hi", "Dear"))  # no greeting by a name or the site's address
    assert "Person " not in body
    assert "Need help now?" in body
    assert "116 123" in body
    assert "Sessions are never recorded." in body
    assert message.subject[0].isupper()
    assert message.subject[1:] == message.subject[1:].lower().replace(
        "nhs", "NHS")


def test_the_sign_up_confirmation(client, db):
    client.post(reverse("account_signup"), {
        "email": "new.starter@nhs.net", "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase"})
    (message,) = mail.outbox
    assert message.subject == "Confirm your email address"
    assert "/accounts/confirm-email/" in message.body
    _assert_in_our_voice(message)


def test_the_password_reset(client, db):
    UserFactory(email="ann@nhs.net")
    client.post(reverse("account_reset_password"), {"email": "ann@nhs.net"})
    (message,) = mail.outbox
    assert message.subject == "Reset your password"
    assert "/accounts/password/reset/key/" in message.body
    _assert_in_our_voice(message)


def test_a_password_reset_for_an_unknown_address(client, db):
    client.post(reverse("account_reset_password"), {"email": "nobody@nhs.net"})
    (message,) = mail.outbox
    assert "there is no account for it" in message.body
    _assert_in_our_voice(message)


@pytest.mark.parametrize("password", ["correct-horse-battery"])
def test_a_change_notice(client, db, password):
    person = UserFactory(email="ann@nhs.net")
    client.force_login(person)
    client.post(reverse("account_change_password"), {
        "oldpassword": password, "password1": "another-long-passphrase-9", "password2": "another-long-passphrase-9"})
    (message,) = mail.outbox
    assert message.subject == "Your password has changed"
    assert "If you did not make this change" in message.body
    _assert_in_our_voice(message)
