"""allauth's pages speak in the service's voice: sentence case in titles,
headings and buttons (NHS.UK style), never "Sign In" or "Verify Your Email Address"."""

import re

import pytest
from django.urls import reverse

from core.templatetags.nhsuk import sentence_case


@pytest.mark.parametrize(("title", "expected"), [
    ("Sign In", "Sign in"),
    ("Verify Your Email Address", "Verify your email address"),
    ("Two-Factor Authentication", "Two-factor authentication"),
    ("Sign in with NHSmail", "Sign in with NHSmail"),
    ("Use NHS Login", "Use NHS login"),
    ("Re-enter <strong>Your</strong> Password", "Re-enter <strong>your</strong> password"),
])
def test_sentence_case(title, expected):
    assert sentence_case(title) == expected


def _texts(html: str) -> list[str]:
    """The page's title, and the headings and buttons of its main content."""
    html = html.split("</header>", 1)[0].split("<body", 1)[0] + html.split("<main", 1)[1].split("</main>", 1)[0]
    found = re.findall(r"<title>(.*?)</title>|<h1[^>]*>(.*?)</h1>|<h2[^>]*>(.*?)</h2>|<button[^>]*>(.*?)</button>",
                       html, re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", " ", "".join(parts)).split()) for parts in found]
    return [t.split(" – ")[0] for t in texts]  # a title ends with the service's name


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_public_account_pages(client, db, name):
    texts = _texts(client.get(reverse(name)).content.decode())
    assert texts
    for text in texts:
        assert text == sentence_case(text), text


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "mfa_index", "usersessions_list",
                                  "socialaccount_connections"])
def test_signed_in_account_pages(client, practitioner, name):
    client.force_login(practitioner)
    texts = _texts(client.get(reverse(name)).content.decode())
    assert texts
    for text in texts:
        assert text == sentence_case(text), text


def test_the_sign_in_page_in_particular(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "<title>Sign in" in html
    assert ">Sign In<" not in html
