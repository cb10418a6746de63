import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_unknown_page_is_a_friendly_404_with_the_help_link(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "Need help now?" in page


@pytest.mark.django_db
def test_an_oversized_post_is_a_400_not_a_500(client, practitioner, settings):
    settings.DEBUG = False
    client.force_login(practitioner)
    response = client.post("/profile/", {"display_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    assert response.status_code == 400
    assert "problem with that request" in response.content.decode()


@pytest.mark.django_db
def test_too_many_fields_is_a_400(client, practitioner):
    client.force_login(practitioner)
    data = {f"f{i}": "x" for i in range(500)}
    assert client.post("/profile/", data).status_code == 400
