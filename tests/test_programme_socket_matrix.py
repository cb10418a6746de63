"""The room socket over two programmes: each programme's admin, facilitator,
member and outsider (and someone still on the facilitators' list of A's
group who holds the role in B only) are refused by the other programme's
live room; A's own member and facilitator get in (so the check can fail)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms.tests.conftest import sockets  # noqa: F401 - the fixture

B_DOMAIN = "trustb.nhs.uk"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_room_socket_refuses_the_other_programmes_people(sockets):  # noqa: F811 - the fixture
    from asgiref.sync import sync_to_async

    from accounts.tests.factories import FacilitatorFactory, ProgrammeAdminFactory, UserFactory
    from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
    from programmes.tests.factories import ProgrammeFactory
    from signups.tests.factories import BookingFactory
    from tests.test_socket_matrix import _outcome

    def build():
        a, b = ProgrammeFactory(email_domains="trusta.nhs.uk"), ProgrammeFactory(email_domains=B_DOMAIN)
        now = timezone.now()
        sessions = {}
        people = {}
        for name, programme, domain in (("A", a, "trusta.nhs.uk"), ("B", b, B_DOMAIN)):
            facilitator = FacilitatorFactory(email=f"f@{domain}", programmes=[programme])
            group = PeerGroupFactory(programme=programme, facilitators=[facilitator])
            session = GroupSessionFactory(group=group, starts_at=now - timedelta(minutes=5))
            member = UserFactory(email=f"m@{domain}")
            BookingFactory(session=session, user=member)
            sessions[name] = session
            people[name] = {"admin": ProgrammeAdminFactory(email=f"a@{domain}", programmes=[programme]),
                            "facilitator": facilitator, "member": member,
                            "practitioner": UserFactory(email=f"p@{domain}")}
        # Someone who facilitates A's group but holds the role in B only now.
        moved = FacilitatorFactory(email=f"moved@{B_DOMAIN}", programmes=[b])
        sessions["A"].group.facilitation_set.create(user=moved)
        people["B"]["moved facilitator"] = moved
        return sessions, people

    sessions, people = await sync_to_async(build)()
    got = {}
    for mine, theirs in (("A", "B"), ("B", "A")):
        for role, person in people[mine].items():
            got[f"{mine}'s {role} in {theirs}'s room"] = await _outcome(sockets, sessions[theirs], person)
    own = {role: await _outcome(sockets, sessions["A"], people["A"][role]) for role in ("member", "facilitator")}
    assert own == {"member": "in", "facilitator": "in"}
    assert {k: v for k, v in got.items() if v == "in"} == {}
