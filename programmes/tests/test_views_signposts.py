"""A programme admin's "Need help now?" entries: add, change, remove, reorder."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from programmes.models import SIGNPOSTS_MAX, Signpost
from programmes.tests.factories import SignpostFactory

ENTRY = {"name": "Trust B staff hub", "detail": "Drop in or call 0115 496 0100", "href": "https://trustb.nhs.uk/hub"}


def _list(programme) -> str:
    return reverse("programmes:signposts", args=[programme.code])


def _url(name: str, signpost) -> str:
    return reverse(f"programmes:{name}", args=[signpost.programme.code, signpost.code])


@pytest.fixture
def entries(trust):
    return [SignpostFactory(programme=trust, name=f"Entry {n}", position=n) for n in range(1, 4)]


def _names(programme) -> list[str]:
    return list(programme.signposts.values_list("name", flat=True))


def test_an_admin_adds_an_entry_last(client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    assert client.post(_list(trust), ENTRY).status_code == 302
    assert _names(trust) == ["Entry 1", "Entry 2", "Entry 3", "Trust B staff hub"]
    added = Signpost.objects.get(name="Trust B staff hub")
    assert AuditEvent.objects.filter(action="programme.signpost.add", object_code=added.code).exists()
    assert "Trust B staff hub" in client.get(_list(trust)).content.decode()


@pytest.mark.parametrize(("change", "message"), [
    ({"name": ""}, "Enter the name of the service"),
    ({"detail": ""}, "Enter what it offers and how to reach it"),
    ({"detail": "x" * 301}, "Enter at most 300 characters"),
    ({"href": "javascript:alert(1)"}, "Enter a link starting with https://, tel: or mailto:"),
    ({"href": "data:text/html,hi"}, "Enter a link starting with https://, tel: or mailto:"),
    ({"name": "x" * 121}, "Enter a name of 120 characters or fewer"),
])
def test_bad_entries_show_the_error_summary_and_add_nothing(change, message, client, trust, trust_admin):
    client.force_login(trust_admin)
    response = client.post(_list(trust), {**ENTRY, **change})
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert message in page
    assert not trust.signposts.exists()


def test_a_programme_has_at_most_a_dozen_entries(client, trust, trust_admin):
    for n in range(SIGNPOSTS_MAX):
        SignpostFactory(programme=trust, position=n)
    client.force_login(trust_admin)
    response = client.post(_list(trust), ENTRY)
    assert f"at most {SIGNPOSTS_MAX} entries" in response.content.decode()
    assert trust.signposts.count() == SIGNPOSTS_MAX


def test_an_admin_changes_an_entry(client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    assert "Entry 2" in client.get(_url("signpost_edit", entries[1])).content.decode()
    assert client.post(_url("signpost_edit", entries[1]), ENTRY).status_code == 302
    entries[1].refresh_from_db()
    assert (entries[1].name, entries[1].href) == (ENTRY["name"], ENTRY["href"])
    assert AuditEvent.objects.filter(action="programme.signpost.change", object_code=entries[1].code).exists()


def test_a_bad_change_changes_nothing(client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    response = client.post(_url("signpost_edit", entries[1]), {**ENTRY, "href": "vbscript:x"})
    assert response.status_code == 200
    assert "Change Entry 2" in response.content.decode()
    entries[1].refresh_from_db()
    assert entries[1].name == "Entry 2"


def test_an_admin_removes_an_entry(client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    assert client.post(_url("signpost_remove", entries[0])).status_code == 302
    assert _names(trust) == ["Entry 2", "Entry 3"]
    assert AuditEvent.objects.filter(action="programme.signpost.remove", object_code=entries[0].code).exists()


def test_an_admin_reorders_the_entries(client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    client.post(_url("signpost_move", entries[2]), {"direction": "up"})
    assert _names(trust) == ["Entry 1", "Entry 3", "Entry 2"]
    client.post(_url("signpost_move", entries[0]), {"direction": "down"})
    assert _names(trust) == ["Entry 3", "Entry 1", "Entry 2"]
    assert AuditEvent.objects.filter(action__startswith="programme.signpost.", object_code=entries[2].code,
                                     action="programme.signpost.up").exists()


@pytest.mark.parametrize(("which", "direction"), [(0, "up"), (2, "down"), (1, "sideways"), (1, "")])
def test_a_move_past_the_end_or_nowhere_changes_nothing(which, direction, client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    assert client.post(_url("signpost_move", entries[which]), {"direction": direction}).status_code == 302
    assert _names(trust) == ["Entry 1", "Entry 2", "Entry 3"]
    assert not AuditEvent.objects.filter(action__startswith="programme.signpost.").exists()


def test_another_programmes_admin_gets_404_for_every_entry_page(client, trust, entries, programme_admin):
    client.force_login(programme_admin)
    assert client.get(_list(trust)).status_code == 404
    assert client.post(_list(trust), ENTRY).status_code == 404
    for name in ("signpost_edit", "signpost_remove", "signpost_move"):
        assert client.post(_url(name, entries[0]), {**ENTRY, "direction": "down"}).status_code == 404
    assert _names(trust) == ["Entry 1", "Entry 2", "Entry 3"]


def test_an_entry_of_another_programme_is_404_under_this_programmes_address(client, trust, trust_admin, national):
    theirs = SignpostFactory(programme=national)
    client.force_login(trust_admin)
    for name in ("signpost_edit", "signpost_remove", "signpost_move"):
        url = reverse(f"programmes:{name}", args=[trust.code, theirs.code])
        assert client.post(url, {**ENTRY, "direction": "down"}).status_code == 404
    assert Signpost.objects.filter(pk=theirs.pk, name=theirs.name).exists()


@pytest.mark.parametrize("name", ["signpost_remove", "signpost_move"])
def test_changes_refuse_get(name, client, trust, trust_admin, entries):
    client.force_login(trust_admin)
    assert client.get(_url(name, entries[0])).status_code == 405
