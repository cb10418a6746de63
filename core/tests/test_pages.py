import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize("name", ["home", "need_help", "privacy", "accessibility"])
def test_public_pages_are_open_to_everyone(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Need help now?" in response.content.decode()


def test_need_help_lists_every_configured_entry(client, db, settings):
    settings.SIGNPOSTING = [
        {"name": "Samaritans", "detail": "Call 116 123", "href": "tel:116123"},
        {"name": "Occupational health at St Elsewhere", "detail": "Ring extension 4242", "href": ""},
    ]
    page = client.get(reverse("need_help")).content.decode()
    assert "116 123" in page
    assert "Occupational health at St Elsewhere" in page
    assert "Ring extension 4242" in page


def test_every_page_links_to_need_help(client, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("need_help")}"' in page


def test_the_base_template_has_a_skip_link_and_landmarks(client, db):
    page = client.get(reverse("home")).content.decode()
    assert 'href="#maincontent"' in page
    assert 'id="maincontent"' in page
    assert 'role="banner"' in page
    assert 'role="contentinfo"' in page


@pytest.mark.parametrize("name", ["home", "need_help"])
def test_no_page_loads_anything_from_another_host(client, db, name):
    page = client.get(reverse(name)).content.decode()
    loaded = re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*?(?:src|href)=\"([^\"]*)\"", page)
    assert loaded, "expected the page to load its own assets"
    assert [url for url in loaded if url.startswith(("http:", "https:", "//"))] == []
