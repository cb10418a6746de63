"""Query counts stay flat however many programmes the installation hosts:
browse, My sessions and reports cost the same with 1 programme as with 50."""

import pytest
from django.urls import reverse

from accounts.tests.factories import ProgrammeAdminFactory, UserFactory
from core.testing import queries_for
from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
from programmes.tests.factories import ProgrammeFactory
from signups.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

PAGES = [reverse("groups:browse"), reverse("signups:my_sessions"), reverse("reports:index"),
         reverse("groups:programme")]


def _costs(client) -> dict[str, int]:
    costs = {}
    for url in PAGES:
        client.get(url)  # the first request records the browser
        costs[url] = queries_for(lambda url=url: client.get(url))
    return costs


def _a_programme_with_groups(programme=None) -> None:
    for _ in range(2):
        group = PeerGroupFactory(**({"programme": programme} if programme else {}))
        GroupSessionFactory(group=group)


def test_pages_cost_the_same_with_fifty_programmes(client, national):
    person = UserFactory(email="nurse@trust0.nhs.uk")
    admin = ProgrammeAdminFactory(programmes=[national])
    _a_programme_with_groups()
    BookingFactory(session=GroupSessionFactory(group=PeerGroupFactory()), user=person)
    client.force_login(person)
    before = {"person": _costs(client)}
    client.force_login(admin)
    before["admin"] = _costs(client)

    programmes = [ProgrammeFactory(email_domains=f"trust{n}.nhs.uk") for n in range(49)]
    for programme in programmes:
        _a_programme_with_groups(programme)
    for programme in programmes[:10]:
        from accounts.tests.factories import role_grant

        role_grant(user=admin, role="programme_admin", programme=programme)
    client.force_login(person)
    after = {"person": _costs(client)}
    client.force_login(admin)
    after["admin"] = _costs(client)
    assert after == before
