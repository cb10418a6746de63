"""The authorization matrix: every URL of the project, for every role, against
the policy table in tests/authz/policy.py; then someone else's codes (IDOR)
and garbage codes on every URL that carries one.

The world (tests/authz/world.py) is built once for this module inside a
transaction that is rolled back at the end; each test runs in its own
savepoint, so a POST that changes something is undone before the next cell.
"""

import secrets
import string

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from core.testing import postgres_configured
from tests.authz import policy
from tests.authz.probe import Route, outcome, path_for, routes
from tests.authz.world import ROLES, TARGETS, build_world

CELLS = policy.cells()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def session_cookies(world, django_db_blocker):
    """Each role's signed-in session, made once inside the world's transaction,
    so every test's rollback keeps it."""
    cookies = {}
    with django_db_blocker.unblock():
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


@pytest.fixture
def client_as(db, session_cookies):
    """A fresh client for the role each call: a sign-out or an erasure in one
    request changes only that test's (rolled back) rows, never the next one's
    cookie jar."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = session_cookies[role]
        return client

    return make


def _is_third_party(route: Route) -> bool:
    # allauth's own views, and the redirects from its old third-party addresses (accounts/social/...).
    allauth = route.route.startswith(policy.ALLAUTH_PREFIX) and (
        route.module.startswith("allauth.") or route.module == "django.views.generic.base")
    return allauth or route.route.startswith(policy.ADMIN_PREFIX)


def _our_routes() -> list[Route]:
    return [r for r in routes() if not _is_third_party(r)]


# --- every URL has a policy ------------------------------------------------


def test_every_url_of_our_apps_has_a_name():
    assert [r.route for r in _our_routes() if not r.name] == []


def test_every_url_of_our_apps_has_a_policy_line():
    unlisted = {r.name for r in _our_routes()} - {c.name for c in CELLS}
    assert unlisted == set(), "write these URLs' lines in tests/authz/policy.py"


def test_the_policy_names_no_url_that_is_gone():
    assert {c.name for c in CELLS} - {r.name for r in _our_routes()} == set()


def test_every_post_only_view_has_a_post_line():
    post_only = {(c.name, c.target) for c in CELLS if c.method == "GET" and c.expected == "405"}
    posted = {(c.name, c.target) for c in CELLS if c.method == "POST"}
    assert post_only - posted == set()


def test_every_known_bug_names_a_cell_of_the_table():
    keys = {(c.name, c.target, c.method, c.role) for c in CELLS}
    assert set(policy.KNOWN_BUGS) - keys == set()


# --- the matrix --------------------------------------------------------------


def _undone(client: Client, method: str, path: str) -> str:
    """The outcome, with whatever the request changed rolled back, so one
    role's POST (say, removing a co-facilitator) never changes the next role's."""
    with transaction.atomic():
        result = outcome(client, method, path)
        transaction.set_rollback(True)
    return result


def _bug(cell: policy.Cell) -> str | None:
    return policy.KNOWN_BUGS.get((cell.name, cell.target, cell.method, cell.role))


LINES = {}
for _cell in CELLS:
    LINES.setdefault((_cell.name, _cell.target, _cell.method), []).append(_cell)


@pytest.mark.parametrize("line", [pytest.param(cells, id=f"{n}[{t}]{m}") for (n, t, m), cells in LINES.items()])
def test_policy_line(line, world, client_as):
    """One line of the table: every role's outcome (known bugs are checked apart)."""
    first = line[0]
    path = reverse(first.name, kwargs=TARGETS[first.target](world))
    got = {c.role: _undone(client_as(c.role), c.method, path) for c in line if not _bug(c)}
    wrong = {c.role: f"expected {c.expected}, got {got[c.role]}" for c in line if c.role in got
             and got[c.role] != c.expected}
    assert wrong == {}, f"{first.method} {path}"


# Only while KNOWN_BUGS lists something: an empty parameter set would be a
# skipped test that says nothing.
if any(_bug(c) for c in CELLS):

    @pytest.mark.parametrize("cell", [
        pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason=f"KNOWN_BUG: {_bug(c)}"))
        for c in CELLS if _bug(c)
    ])
    def test_known_bug_cell(cell, world, client_as):
        path = reverse(cell.name, kwargs=TARGETS[cell.target](world))
        assert outcome(client_as(cell.role), cell.method, path) == cell.expected



# --- third-party URL sets, by prefix -----------------------------------------


def _third_party(prefix: str) -> list[Route]:
    return [r for r in routes() if _is_third_party(r) and r.route.startswith(prefix)]


@pytest.mark.parametrize("role", ROLES)
def test_allauth_account_pages_need_sign_in_and_never_fail(role, world, client_as):
    wrong = {}
    for route in _third_party(policy.ALLAUTH_PREFIX):
        got = _undone(client_as(role), "GET", path_for(route))
        if route.name in policy.ALLAUTH_ERROR_PAGES:
            allowed = {policy.ALLAUTH_ERROR_PAGES[route.name]}
        elif role == "anonymous" and route.name in policy.ALLAUTH_SIGNED_IN_ONLY:
            allowed = {"login"}
        else:
            allowed = policy.ALLAUTH_ALLOWED
        if got not in allowed:
            wrong[route.name] = got
    assert wrong == {}


@pytest.mark.parametrize("role", ROLES)
def test_the_django_admin_sends_everyone_here_to_its_sign_in(role, world, client_as):
    """Nobody in the world is staff: every admin page but sign-in itself is shut."""
    wrong = {}
    open_pages = policy.ADMIN_OPEN if role == "anonymous" else policy.ADMIN_OPEN_SIGNED_IN
    for route in _third_party(policy.ADMIN_PREFIX):
        got = _undone(client_as(role), "GET", path_for(route))
        if got != open_pages.get(route.name, "admin-login"):
            wrong[route.name or route.route] = got
    assert wrong == {}


# --- someone else's codes (IDOR) -----------------------------------------------


@pytest.mark.parametrize(("name", "method", "role", "own", "foreign"), policy.IDOR,
                         ids=[f"{n}-{r}-{f}" for n, _, r, _, f in policy.IDOR])
def test_someone_elses_code_is_404(name, method, role, own, foreign, world, client_as):
    own_path = reverse(name, kwargs=TARGETS[own](world))
    foreign_path = reverse(name, kwargs=TARGETS[foreign](world))
    assert _undone(client_as(role), method, own_path) not in ("404", "login", "405")  # the role reaches its own
    assert _undone(client_as(role), method, foreign_path) == "404"


def test_a_replaced_calendar_address_stops_working(world, client_as):
    member = client_as("member")
    old = reverse("signups:calendar_feed", kwargs=TARGETS["feed"](world))
    with transaction.atomic():
        assert outcome(member, "POST", reverse("signups:calendar_renew")) == "redirect"
        assert outcome(Client(), "GET", old) == "404"
        transaction.set_rollback(True)


# --- garbage codes -------------------------------------------------------------

GARBAGE = {
    "random": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12)),
    "nul": "%00",
    "huge": "x" * 500,
}


def _garbage_cases():
    """One case per URL name, method, code argument and kind of garbage, for
    the first role that the URL's first line with a target lets through."""
    kwargs_of = {r.name: r.kwargs for r in routes()}
    seen = set()
    for (name, target, method), line in LINES.items():
        cell = next((c for c in line if c.expected in ("ok", "redirect") and not _bug(c)), None)
        if target == "-" or cell is None or (name, method) in seen:
            continue
        seen.add((name, method))
        for kwarg in kwargs_of[name]:
            for label in GARBAGE:
                bug = policy.KNOWN_GARBAGE_BUGS_ON_POSTGRES.get((name, label))
                xfail = pytest.mark.xfail(postgres_configured(), strict=True, reason=f"KNOWN_BUG: {bug}")
                marks = [xfail] if bug else []
                yield pytest.param(cell, kwarg, label, id=f"{name}-{method}-{kwarg}-{label}", marks=marks)


@pytest.mark.parametrize(("cell", "kwarg", "label"), list(_garbage_cases()))
def test_a_garbage_code_is_404_never_500(cell, kwarg, label, world, client_as):
    kwargs = TARGETS[cell.target](world)
    path = reverse(cell.name, kwargs=kwargs).replace(kwargs[kwarg], GARBAGE[label], 1)
    # A well-formed code a signed-out visitor may not see asks them to sign in;
    # a malformed one never reaches a view.
    sign_in = cell.role == "anonymous" and cell.name in policy.SIGN_IN_FOR_UNSEEN and label == "random"
    expected = "login" if sign_in else "404"
    assert _undone(client_as(cell.role), cell.method, path) == expected, path


# --- what a page shows, where status codes cannot tell ---------------------------


@pytest.mark.parametrize("role", [
    pytest.param(r, marks=[pytest.mark.xfail(strict=True, reason=f"KNOWN_BUG: {policy.KNOWN_NAME_LEAKS[r]}")]
                 if r in policy.KNOWN_NAME_LEAKS else []) for r in ROLES if r != "anonymous"
])
def test_a_closed_groups_members_are_named_only_to_its_members_and_facilitators(role, world, client_as):
    response = client_as(role).get(reverse("groups:detail", kwargs=TARGETS["closed"](world)))
    assert response.status_code == 200
    shown = world.users["member"].display_name in response.content.decode()
    assert shown == (role in policy.MEMBER_NAMES_SHOWN_TO)


# --- headers on every page ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_signed_in_person_opens_is_never_stored(role, world, client_as):
    """Every page that answers 200 carries a Permissions-Policy; to a signed-in
    person also Cache-Control: no-store (whatever it shows is theirs)."""
    wrong = {}
    for cell in CELLS:
        if cell.role != role or cell.method != "GET" or cell.expected != "ok" or _bug(cell):
            continue
        path = reverse(cell.name, kwargs=TARGETS[cell.target](world))
        with transaction.atomic():
            response = client_as(role).get(path)
            transaction.set_rollback(True)
        stored = role != "anonymous" and "no-store" not in response.get("Cache-Control", "")
        if response.status_code != 200 or stored or "camera=" not in response.get("Permissions-Policy", ""):
            wrong[path] = (response.status_code, response.get("Cache-Control"), response.get("Permissions-Policy"))
    assert wrong == {}
