import re

from django.urls import reverse


def test_pages_carry_a_nonce_based_content_security_policy(client, db):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts if "src=" in tag)


def test_the_nonce_changes_with_every_response(client, db):
    first = client.get(reverse("home")).headers["Content-Security-Policy"]
    second = client.get(reverse("home")).headers["Content-Security-Policy"]
    assert first != second


def test_pages_cannot_be_framed_or_sniffed(client, db):
    response = client.get(reverse("home"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
