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


OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def test_every_page_turns_off_camera_microphone_and_other_features(client, db):
    policy = client.get(reverse("home")).headers["Permissions-Policy"]
    assert all(feature in policy for feature in OFF)
    assert "(self)" not in policy


def test_the_room_page_alone_allows_camera_and_microphone_for_the_site_itself(client, db):
    from signups.tests.factories import BookingFactory

    booking = BookingFactory()
    client.force_login(booking.user)
    response = client.get(reverse("rooms:room", args=[booking.session.code]))
    assert response.status_code == 200
    policy = response.headers["Permissions-Policy"]
    assert "camera=(self)" in policy
    assert "microphone=(self)" in policy
    assert "geolocation=()" in policy
    assert "payment=()" in policy
    assert "*" not in policy
    assert "camera=()" in client.get(reverse("signups:my_sessions")).headers["Permissions-Policy"]


def test_pages_for_a_signed_in_person_are_never_stored(client, practitioner):
    client.force_login(practitioner)
    for name in ("home", "signups:my_sessions", "accounts:profile", "notifications:list", "privacy:index",
                 "account_email", "usersessions_list"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "no-store" in response.headers["Cache-Control"], name


def test_pages_for_nobody_in_particular_may_be_cached(client, db):
    assert "Cache-Control" not in client.get(reverse("need_help")).headers


def test_static_files_stay_cacheable_for_a_signed_in_person(client, practitioner):
    client.force_login(practitioner)
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()  # the open file behind it
