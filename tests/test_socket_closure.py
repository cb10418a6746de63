"""A person's room WebSockets close when their access ends: signing out (that
browser's), deactivation, a facilitator role revoked, a session ended from
"signed-in browsers". Through the full ASGI stack, as the room tests do."""

import pytest
from allauth.usersessions.models import UserSession
from asgiref.sync import sync_to_async
from django.test import Client

from accounts.tests.factories import role_revoke
from programmes.services import programme_role_revoke
from rooms import protocol
from rooms.tests.conftest import (  # noqa: F401 - fixtures
    close_code,
    facilitator,
    member,
    room_session,
    second_member,
    sockets,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@sync_to_async
def browser(user) -> tuple[Client, str]:
    """A signed-in browser, and its session cookie for the socket."""
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value


async def join_with(sockets, session, cookie):  # noqa: F811 - the fixture, passed in
    communicator = await sockets.open(session, cookie=cookie)
    state = await communicator.receive_json_from(timeout=3)
    assert state["type"] == "state", state
    return communicator


async def still_open(communicator) -> bool:
    await communicator.send_json_to({"type": "ping"})
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return False
        if '"pong"' in output.get("text", ""):
            return True


async def test_signing_out_closes_that_browsers_socket(sockets, room_session, member):  # noqa: F811
    client, cookie = await browser(member)
    communicator = await join_with(sockets, room_session, cookie)
    # As a sign-out page does it: a view runs in a worker thread, not on the loop.
    await sync_to_async(client.logout)()
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


async def test_signing_out_elsewhere_leaves_this_browsers_socket_open(sockets, room_session, member):  # noqa: F811
    _, cookie = await browser(member)
    communicator = await join_with(sockets, room_session, cookie)
    phone, _ = await browser(member)
    await sync_to_async(phone.logout)()
    assert await still_open(communicator)


async def test_ending_a_session_from_signed_in_browsers_closes_its_socket(sockets, room_session, member):  # noqa: F811
    client, cookie = await browser(member)
    await sync_to_async(client.get)("/")  # allauth records the browser session on a request
    communicator = await join_with(sockets, room_session, cookie)
    user_session = await sync_to_async(UserSession.objects.get)(session_key=cookie)
    await sync_to_async(user_session.end)()
    assert await close_code(communicator) == protocol.CLOSE_ANONYMOUS


async def test_deactivating_an_account_closes_every_socket_of_it(sockets, room_session, member,  # noqa: F811
                                                                  monkeypatch):
    laptop = await join_with(sockets, room_session, (await browser(member))[1])
    phone = await join_with(sockets, room_session, (await browser(member))[1])
    member.is_active = False
    # On the loop's own thread, as the browser tests' code beside Playwright's
    # event loop runs (the only place Django allows the ORM there).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    member.save()
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE")
    assert await close_code(laptop) == protocol.CLOSE_FORBIDDEN
    assert await close_code(phone) == protocol.CLOSE_FORBIDDEN


async def test_deactivating_one_person_leaves_others_connected(sockets, room_session, member, second_member):  # noqa: F811
    mine = await join_with(sockets, room_session, (await browser(member))[1])
    theirs = await join_with(sockets, room_session, (await browser(second_member))[1])
    second_member.is_active = False
    await sync_to_async(second_member.save)()
    assert await close_code(theirs) == protocol.CLOSE_FORBIDDEN
    assert await still_open(mine)


async def test_revoking_the_facilitator_role_closes_their_socket(sockets, room_session, facilitator, member):  # noqa: F811
    host = await join_with(sockets, room_session, (await browser(facilitator))[1])
    guest = await join_with(sockets, room_session, (await browser(member))[1])
    await sync_to_async(role_revoke)(user=facilitator, role="facilitator")
    assert await close_code(host) == protocol.CLOSE_FORBIDDEN
    assert await still_open(guest)


async def test_a_revoked_facilitator_cannot_come_back_in(sockets, room_session, facilitator):  # noqa: F811
    await sync_to_async(role_revoke)(user=facilitator, role="facilitator")
    communicator = await sockets.open(room_session, user=facilitator)
    assert await close_code(communicator) == protocol.CLOSE_FORBIDDEN


# The people page and `manage.py role revoke` use the service; the Django
# admin deletes the row (or a queryset of rows).
@pytest.mark.parametrize("remove", [
    lambda held: programme_role_revoke(held=held),
    lambda held: held.delete(),
    lambda held: type(held).objects.filter(pk=held.pk).delete(),
], ids=["programme_role_revoke", "row.delete", "queryset.delete"])
async def test_removing_the_programme_role_any_way_closes_their_socket(  # noqa: F811
        sockets, room_session, facilitator, member, remove):  # noqa: F811
    from programmes.models import ProgrammeRole

    host = await join_with(sockets, room_session, (await browser(facilitator))[1])
    guest = await join_with(sockets, room_session, (await browser(member))[1])
    held = await sync_to_async(ProgrammeRole.objects.get)(user=facilitator, role="facilitator")
    await sync_to_async(remove)(held)
    assert await close_code(host) == protocol.CLOSE_FORBIDDEN
    assert await still_open(guest)


async def test_adding_a_role_leaves_sockets_open(sockets, room_session, member):  # noqa: F811
    from accounts.tests.factories import role_grant

    guest = await join_with(sockets, room_session, (await browser(member))[1])
    await sync_to_async(role_grant)(user=member, role="programme_admin")
    assert await still_open(guest)
