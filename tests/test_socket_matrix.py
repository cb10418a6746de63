"""The authorization matrix of the room WebSocket, in the style of the URL
matrix (tests/test_authorization_matrix.py): every role, in every state of
a session's room, against the table below. Place state and two-factor state
are part of the roles (a booked member, a waitlisted one, one whose place was
cancelled; facilitators and programme admins with and without two-factor).

Outcomes: "in" (accepted: the room's state arrives) or the close code
(rooms/protocol.py): 4401 signed out or two-factor missing, 4403 no place,
4404 unknown or cancelled session, 4409 room not open, 4423 room locked.
"""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, ProgrammeAdminFactory, UserFactory, role_grant
from groups.models import GroupSession
from groups.tests.factories import GroupSessionFactory, PeerGroupFactory
from rooms.models import Room
from rooms.tests.conftest import TIMEOUT, sockets  # noqa: F401 - the fixture
from rooms.tests.support import ensure_roles
from signups.models import Booking
from signups.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db(transaction=True)

MATRIX = """
# role                   not_yet  open  locked  ended  finished  cancelled
anonymous                4401     4401  4401    4401   4401      4401
practitioner             4403     4403  4403    4403   4403      4403
member                   4409     in    4423    4409   4409      4404
waitlisted               4403     4403  4403    4403   4403      4403
place_cancelled          4403     4403  4403    4403   4403      4403
facilitator              4409     in    in      4409   4409      4404
facilitator_without_mfa  4401     4401  4401    4401   4401      4401
other_facilitator        4403     4403  4403    4403   4403      4403
programme_admin          4403     4403  4403    4403   4403      4403
programme_admin_no_mfa   4401     4401  4401    4401   4401      4401
"""


def _table() -> tuple[list[str], dict[str, dict[str, str]]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    states = lines[0][2:]
    return states, {role: dict(zip(states, outcomes, strict=True)) for role, *outcomes in lines[1:]}


STATES, EXPECTED = _table()


def _session(state: str, group) -> GroupSession:
    """A session whose room is in this state."""
    now = timezone.now()
    starts = {"not_yet": now + timedelta(hours=2), "finished": now - timedelta(hours=3)}.get(
        state, now - timedelta(minutes=5))
    session = GroupSessionFactory(group=group, starts_at=starts)
    if state == "cancelled":
        GroupSession.objects.filter(pk=session.pk).update(status=GroupSession.Status.CANCELLED)
    if state in ("locked", "ended"):
        Room.objects.create(session=session, lobby_enabled=True, locked=state == "locked",
                            closed_at=now if state == "ended" else None)
    return session


def _without_mfa(role: str):
    person = UserFactory()
    role_grant(user=person, role=role)
    return person


def _people(session) -> dict:
    ensure_roles()
    facilitator, no_mfa = FacilitatorFactory(), _without_mfa("facilitator")
    session.group.facilitation_set.create(user=facilitator)
    session.group.facilitation_set.create(user=no_mfa)
    people = {
        "anonymous": None, "practitioner": UserFactory(), "member": UserFactory(), "waitlisted": UserFactory(),
        "place_cancelled": UserFactory(), "facilitator": facilitator, "facilitator_without_mfa": no_mfa,
        "other_facilitator": FacilitatorFactory(), "programme_admin": ProgrammeAdminFactory(),
        "programme_admin_no_mfa": _without_mfa("programme_admin"),
    }
    for role, status in [("member", Booking.Status.CONFIRMED), ("waitlisted", Booking.Status.WAITLISTED),
                         ("place_cancelled", Booking.Status.CANCELLED)]:
        BookingFactory(session=session, user=people[role], status=status)
    return people


async def _outcome(opener, session, user) -> str:
    communicator = await opener.open(session, user=user)
    assert opener.last_connected, "the handshake itself was refused"
    output = await communicator.receive_output(timeout=TIMEOUT)
    if output["type"] == "websocket.close":
        return str(output.get("code"))
    assert '"state"' in output["text"]
    return "in"


def test_the_table_names_every_role_once_and_every_state():
    assert len(EXPECTED) == len(MATRIX.strip().splitlines()) - 1
    assert STATES == ["not_yet", "open", "locked", "ended", "finished", "cancelled"]


@pytest.mark.asyncio
@pytest.mark.parametrize("state", STATES)
async def test_socket_matrix_column(state, sockets):  # noqa: F811 - the fixture
    """One column of the table: every role against a room in this state."""
    session = await sync_to_async(_session)(state, await sync_to_async(PeerGroupFactory)())
    people = await sync_to_async(_people)(session)
    got = {role: await _outcome(sockets, session, people[role]) for role in EXPECTED}
    wrong = {role: f"expected {EXPECTED[role][state]}, got {got[role]}" for role in EXPECTED
             if got[role] != EXPECTED[role][state]}
    assert wrong == {}, state
