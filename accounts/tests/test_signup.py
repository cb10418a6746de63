import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.adapter import email_domain_allowed
from accounts.models import User

PASSWORD = "a-long-and-unusual-passphrase"
ALLOWED = ["nhs.net", "nhs.uk", "*.nhs.uk", "nhs.scot", "hscni.net"]


def _sign_up(client, email):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


@pytest.mark.parametrize(
    "email",
    ["sam@nhs.net", "sam@nhs.uk", "sam@gstt.nhs.uk", "sam@ward.trust.nhs.uk", "sam@nhs.scot", "sam@hscni.net"],
)
def test_nhs_domains_are_allowed(email):
    assert email_domain_allowed(email, ALLOWED)


@pytest.mark.parametrize(
    "email", ["sam@gmail.com", "sam@nhs.net.evil.com", "sam@fakenhs.uk", "sam@notnhs.net", "sam@nhs.uk.com"]
)
def test_other_domains_are_refused(email):
    assert not email_domain_allowed(email, ALLOWED)


@pytest.mark.django_db
def test_sign_up_with_an_nhs_address_sends_a_verification_email(client, mailoutbox):
    response = _sign_up(client, "new.person@nhs.net")
    assert response.status_code == 302
    user = User.objects.get(email="new.person@nhs.net")
    assert not EmailAddress.objects.get(user=user).verified
    assert [m.to for m in mailoutbox] == [["new.person@nhs.net"]]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


@pytest.mark.django_db
def test_sign_up_with_another_domain_is_refused_with_an_explanation(client):
    response = _sign_up(client, "someone@gmail.com")
    assert response.status_code == 200
    assert not User.objects.exists()
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Use your NHS work email address" in page


@pytest.mark.django_db
def test_sign_in_is_refused_until_the_address_is_verified(client):
    _sign_up(client, "unverified@nhs.net")
    client.logout()
    response = client.post(reverse("account_login"), {"login": "unverified@nhs.net", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_following_the_emailed_link_verifies_and_signs_in(client, mailoutbox):
    _sign_up(client, "verify.me@nhs.net")
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", mailoutbox[0].body).group(1)
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="verify.me@nhs.net").verified


@pytest.mark.django_db
def test_sign_up_does_not_reveal_that_an_address_is_taken(client, practitioner):
    response = _sign_up(client, practitioner.email)
    # Same outcome as a new address: on to "check your email", no error shown.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
