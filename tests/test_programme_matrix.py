"""The authorization matrix over two programmes: programme A (the world of
tests/authz/world.py, in the default programme) and programme B (a second
world just like it, moved into a trust's programme). For every URL line of
tests/authz/policy.py that names an object, each of B's people (its admin, a
facilitator, a member and an outsider eligible only for B) gets a 404 for
A's object, and A's people for B's: nothing of one programme answers 2xx
(or does anything) to the other's people. Then the pages without an object
(browse, All groups) show nothing of the other programme. The room socket:
tests/test_programme_socket_matrix.py.
"""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from groups.models import PeerGroup
from programmes.models import Invitation, Programme, ProgrammeRole, Signpost, default_programme_pk
from programmes.services import token_hash
from tests.authz import policy
from tests.authz.probe import outcome
from tests.authz.world import INVITATION_TOKEN, TARGETS, build_world

B_DOMAIN = "trustb.nhs.uk"
PEOPLE = ("admin", "facilitator", "member", "practitioner")  # the practitioner: an outsider eligible here only
# Capability URLs that name no programme's object (a person's own calendar feed).
NOT_PROGRAMME_TARGETS = {"-", "feed", "other-feed"}
A_TOKEN = "programme-a-" + INVITATION_TOKEN[:30]


def _into_programme_b(before: dict) -> Programme:
    """Move everything made since `before` (the ids of A's rows) into programme B."""
    b = Programme.objects.create(name="Trust B Schwartz Rounds", email_domains=B_DOMAIN)
    PeerGroup.objects.exclude(pk__in=before["groups"]).update(programme=b)
    ProgrammeRole.objects.exclude(pk__in=before["roles"]).update(programme=b)
    for user in User.objects.exclude(pk__in=before["users"]):
        email = user.email.split("@")[0] + "@" + B_DOMAIN
        User.objects.filter(pk=user.pk).update(email=email)
        EmailAddress.objects.filter(user=user).update(email=email)
        Invitation.objects.filter(email=user.email).update(email=email)
    Invitation.objects.exclude(pk__in=before["invitations"]).update(programme=b)
    Signpost.objects.exclude(pk__in=before["signposts"]).update(programme=b)
    return b


def _ids() -> dict:
    return {"groups": set(PeerGroup.objects.values_list("pk", flat=True)),
            "roles": set(ProgrammeRole.objects.values_list("pk", flat=True)),
            "invitations": set(Invitation.objects.values_list("pk", flat=True)),
            "signposts": set(Signpost.objects.values_list("pk", flat=True)),
            "users": set(User.objects.values_list("pk", flat=True))}


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            a = build_world()
            # A is a national programme no longer: only its own domain's staff.
            Programme.objects.filter(pk=default_programme_pk()).update(
                name="Region A wellbeing", all_nhs_staff=False, email_domains="nhs.net")
            a.objects["programme"].refresh_from_db()
            Invitation.objects.update(token_hash=token_hash(A_TOKEN))
            a.objects["invitation_token"] = A_TOKEN
            before = _ids()
            b = build_world()
            b.objects["programme"] = _into_programme_b(before)
            Signpost.objects.filter(pk=b.objects["signpost"].pk).update(name="Trust B occupational health")
            b.objects["invitation_token"] = INVITATION_TOKEN
            for world in (a, b):
                world.users = {role: User.objects.get(pk=user.pk) for role, user in world.users.items()}
            yield {"A": a, "B": b}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def cookies(worlds, django_db_blocker):
    jar = {}
    with django_db_blocker.unblock():
        for name, world in worlds.items():
            for role in PEOPLE:
                client = Client()
                client.force_login(world.users[role])
                jar[(name, role)] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return jar


def _client(cookies, world: str, role: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookies[(world, role)]
    return client


def _kwargs(world, target: str) -> dict:
    if target == "invitation-link":
        return {"token": world.objects["invitation_token"]}
    return TARGETS[target](world)


def _undone(client: Client, method: str, path: str) -> str:
    with transaction.atomic():
        result = outcome(client, method, path)
        transaction.set_rollback(True)
    return result


LINES: dict = {}
for _cell in policy.cells():
    if _cell.target not in NOT_PROGRAMME_TARGETS and _cell.role in PEOPLE:
        LINES.setdefault((_cell.name, _cell.target, _cell.method), {})[_cell.role] = _cell.expected


def _expected(line: tuple, role: str) -> str:
    """405 where the method is refused before anything is looked up; a refusal
    of an invitation link sent to someone else; otherwise 404."""
    if LINES[line][role] == "405":
        return "405"
    return "403" if line[1] == "invitation-link" else "404"


@pytest.mark.parametrize("line", list(LINES), ids=[f"{n}[{t}]{m}" for n, t, m in LINES])
def test_nothing_of_one_programme_answers_the_other_programmes_people(line, worlds, cookies, db):
    name, target, method = line
    wrong = {}
    for mine, theirs in (("B", "A"), ("A", "B")):
        path = reverse(name, kwargs=_kwargs(worlds[theirs], target))
        for role in PEOPLE:
            got = _undone(_client(cookies, mine, role), method, path)
            if got != _expected(line, role):
                wrong[f"{mine}'s {role} on {theirs}'s {target}"] = f"expected {_expected(line, role)}, got {got}"
    assert wrong == {}, f"{method} {name}"


@pytest.mark.parametrize("role", PEOPLE)
def test_each_programmes_people_reach_their_own_objects(role, worlds, cookies, db):
    """The 404s above are about the programme, not a broken world: B's people
    get what the policy gives A's, line by line, for their own objects."""
    wrong = {}
    for line, expected in LINES.items():
        name, target, method = line
        if expected[role] not in ("ok", "redirect"):
            continue
        path = reverse(name, kwargs=_kwargs(worlds["B"], target))
        got = _undone(_client(cookies, "B", role), method, path)
        if got != expected[role]:
            wrong[f"{method} {name}[{target}]"] = f"expected {expected[role]}, got {got}"
    assert wrong == {}


def _codes_of(world) -> set[str]:
    return {o.code for o in world.objects.values() if isinstance(o, PeerGroup)}


@pytest.mark.parametrize("mine", ["A", "B"])
@pytest.mark.parametrize("page", ["groups:browse", "groups:programme", "groups:facilitate", "signups:my_sessions",
                                  "programmes:index"])
def test_pages_without_an_object_show_nothing_of_the_other_programme(page, mine, worlds, cookies, db):
    theirs = "A" if mine == "B" else "B"
    other_codes = _codes_of(worlds[theirs])
    other_programme = worlds[theirs].objects["programme"]
    for role in PEOPLE:
        response = _client(cookies, mine, role).get(reverse(page))
        text = response.content.decode()
        assert response.status_code in (200, 403, 404)
        assert {code for code in other_codes if code in text} == set(), (role, page)
        assert other_programme.code not in text, (role, page)
    # and the page does show this programme's own (so the check can fail)
    own = _client(cookies, mine, "admin").get(reverse("groups:programme")).content.decode()
    assert _codes_of(worlds[mine]) & {code for code in _codes_of(worlds[mine]) if code in own}


def test_the_reports_page_names_only_the_admins_own_programme(worlds, cookies, db):
    for mine, theirs in (("A", "B"), ("B", "A")):
        text = _client(cookies, mine, "admin").get(reverse("reports:index")).content.decode()
        assert worlds[mine].objects["programme"].name in text
        assert worlds[theirs].objects["programme"].name not in text
        other = reverse("reports:index") + f"?programme={worlds[theirs].objects['programme'].code}"
        asked = _client(cookies, mine, "admin").get(other).content.decode()
        assert worlds[theirs].objects["programme"].name not in asked


def test_need_help_shows_each_programmes_people_only_its_own_entries(worlds, cookies, db):
    names = {"A": "World occupational health", "B": "Trust B occupational health"}
    for mine, theirs in (("A", "B"), ("B", "A")):
        for role in PEOPLE:
            text = _client(cookies, mine, role).get(reverse("need_help")).content.decode()
            assert names[mine] in text, (mine, role)
            assert names[theirs] not in text, (mine, role)
            assert worlds[theirs].objects["programme"].name not in text, (mine, role)


def test_browse_offers_no_other_programme_to_filter_by(worlds, cookies, db):
    for mine, theirs in (("A", "B"), ("B", "A")):
        other = worlds[theirs].objects["programme"]
        for role in PEOPLE:
            asked = _client(cookies, mine, role).get(reverse("groups:browse"), {"programme": other.code})
            text = asked.content.decode()
            assert other.name not in text, (mine, role)
            assert {code for code in _codes_of(worlds[theirs]) if code in text} == set(), (mine, role)
