"""Who may reach what: the project's authorization policy as one table.

One line per URL name (a few names have more than one line, for different
targets or methods). The columns are the roles of tests/authz/world.py:

  anon   nobody signed in
  prac   a practitioner unrelated to the world's groups
  memb   a member: a confirmed place at the world's sessions, accepted into its closed group
  omem   another member: in a different (closed) group, with places there only
  faci   the facilitator of the world's groups
  ofac   another facilitator, who runs only the different group
  admin  a programme admin

Outcomes: ok (200), login (302 to sign in), admin-login (302 to the Django
admin's sign-in), mfa (302 to set up two-factor), redirect (any other 302),
or a status code: 403, 404, 405.

Every URL name of our apps must have a line: a new URL fails the suite until
its policy is written here. Lines are GET unless the method says POST (an empty
form); every POST-only view has a POST line.
"""

from dataclasses import dataclass

from tests.authz.world import ROLES

POLICY = """
# name                      target              method anon   prac     memb     omem     faci     ofac     admin
home                        -                   GET    ok     ok       ok       ok       ok       ok       ok
need_help                   -                   GET    ok     ok       ok       ok       ok       ok       ok
privacy                     -                   GET    ok     ok       ok       ok       ok       ok       ok
accessibility               -                   GET    ok     ok       ok       ok       ok       ok       ok
healthz                     -                   GET    ok     ok       ok       ok       ok       ok       ok

accounts:profile            -                   GET    login  ok       ok       ok       ok       ok       ok
accounts:onboarding         -                   GET    login  redirect redirect redirect redirect redirect redirect
accounts:session_extend     -                   GET    login  405      405      405      405      405      405
accounts:session_extend     -                   POST   login  redirect redirect redirect redirect redirect redirect
oidc_login                  oidc-provider       GET    404    404      404      404      404      404      404
oidc_login                  oidc-provider       POST   404    404      404      404      404      404      404
oidc_callback               oidc-provider       GET    404    404      404      404      404      404      404

groups:browse               -                   GET    ok     ok       ok       ok       ok       ok       ok
groups:programme            -                   GET    login  404      404      404      404      404      ok
groups:facilitate           -                   GET    login  403      403      403      ok       ok       403
groups:create               -                   GET    login  403      403      403      ok       ok       403
groups:detail               open                GET    ok     ok       ok       ok       ok       ok       ok
groups:detail               closed              GET    login  ok       ok       ok       ok       ok       ok
groups:detail               draft               GET    login  404      404      404      ok       404      ok
groups:detail               archived            GET    login  404      404      404      ok       404      ok
groups:manage               open                GET    login  404      404      404      ok       404      ok
groups:manage               draft               GET    login  404      404      404      ok       404      ok
groups:edit                 open                GET    login  404      404      404      ok       404      ok
groups:edit                 open                POST   login  404      404      404      ok       404      ok
groups:publish              draft               GET    login  405      405      405      405      405      405
groups:publish              draft               POST   login  404      404      404      redirect 404      redirect
groups:archive              open                GET    login  404      404      404      ok       404      ok
groups:archive              open                POST   login  404      404      404      redirect 404      redirect
groups:restore              archived            GET    login  405      405      405      405      405      405
groups:restore              archived            POST   login  404      404      404      redirect 404      redirect
groups:facilitators         open                GET    login  404      404      404      ok       404      ok
groups:facilitators         open                POST   login  404      404      404      ok       404      ok
groups:facilitator_remove   co-facilitation     GET    login  405      405      405      405      405      405
groups:facilitator_remove   co-facilitation     POST   login  404      404      404      redirect 404      redirect
groups:session_roster       open-session        GET    login  404      404      404      ok       404      404
groups:session_move         open-session        GET    login  404      404      404      ok       404      ok
groups:session_move         open-session        POST   login  404      404      404      ok       404      ok
groups:session_cancel       open-session        GET    login  404      404      404      ok       404      ok
groups:session_cancel       open-session        POST   login  404      404      404      redirect 404      redirect

signups:my_sessions         -                   GET    login  ok       ok       ok       ok       ok       ok
signups:session             open-session        GET    login  ok       ok       ok       ok       ok       ok
signups:session             draft-session       GET    login  404      404      404      ok       404      ok
signups:book                open-session        GET    login  405      405      405      405      405      405
signups:book                open-session        POST   login  redirect redirect redirect redirect redirect redirect
signups:book                draft-session       POST   login  404      404      404      redirect 404      redirect
signups:waitlist            open-session        GET    login  405      405      405      405      405      405
signups:waitlist            open-session        POST   login  redirect redirect redirect redirect redirect redirect
signups:cancel              open-session        GET    login  405      405      405      405      405      405
signups:cancel              open-session        POST   login  redirect redirect redirect redirect redirect redirect
signups:cancel              draft-session       POST   login  404      404      404      redirect 404      redirect
signups:cancel_confirm      open-session        GET    login  redirect ok       redirect redirect redirect redirect
signups:cancel_confirm      draft-session       GET    login  404      404      404      redirect 404      redirect
signups:session_calendar    open-session        GET    login  ok       ok       ok       ok       ok       ok
signups:session_calendar    draft-session       GET    login  404      404      404      ok       404      ok
signups:register            open-session        GET    login  404      404      404      ok       404      404
signups:register            open-session        POST   login  404      404      404      ok       404      404
signups:feedback            past-session        GET    login  404      ok       404      404      404      404
signups:feedback            past-session        POST   login  404      ok       404      404      404      404
signups:feedback            open-session        GET    login  404      redirect 404      404      404      404
signups:ground_rules        open                GET    login  ok       ok       ok       ok       ok       ok
signups:ground_rules        open                POST   login  ok       ok       ok       ok       ok       ok
signups:ground_rules        draft               GET    login  404      404      404      redirect 404      redirect
signups:apply               closed              GET    login  ok       ok       ok       ok       ok       ok
signups:apply               closed              POST   login  redirect redirect redirect ok       redirect redirect
signups:apply               open                GET    login  404      404      404      404      404      404
signups:withdraw            closed              GET    login  405      405      405      405      405      405
signups:withdraw            closed              POST   login  redirect redirect redirect redirect redirect redirect
signups:leave               closed              GET    login  405      405      405      405      405      405
signups:leave               closed              POST   login  redirect redirect redirect redirect redirect redirect
signups:applications        closed              GET    login  404      404      404      ok       404      404
signups:decide              application         GET    login  404      404      404      ok       404      404
signups:decide              application         POST   login  404      404      404      ok       404      404
signups:intake              closed              GET    login  405      405      405      405      405      405
signups:intake              closed              POST   login  404      404      404      redirect 404      redirect
signups:group_feedback      open                GET    login  404      404      404      ok       404      404
signups:calendar            -                   GET    login  ok       ok       ok       ok       ok       ok
signups:calendar_renew      -                   GET    login  405      405      405      405      405      405
signups:calendar_renew      -                   POST   login  redirect redirect redirect redirect redirect redirect
signups:calendar_revoke     -                   GET    login  405      405      405      405      405      405
signups:calendar_revoke     -                   POST   login  redirect redirect redirect redirect redirect redirect
signups:calendar_feed       feed                GET    ok     ok       ok       ok       ok       ok       ok

rooms:room                  open-session        GET    login  404      ok       404      ok       404      404
rooms:open                  open-session        GET    login  405      405      405      405      405      405
rooms:open                  open-session        POST   login  404      404      404      redirect 404      404
rooms:close                 open-session        GET    login  404      404      404      ok       404      404
rooms:status                open-session        GET    login  404      ok       404      ok       404      404
# Janus's TURN credentials: only with the key Janus holds (none here), for nobody else.
rooms:janus_turn            -                   GET    404    404      404      404      404      404      404
rooms:janus_turn            -                   POST   405    405      405      405      405      405      405
rooms:close                 open-session        POST   login  404      404      404      redirect 404      404

reports:index               -                   GET    404    404      404      404      404      404      ok
reports:csv                 -                   GET    404    404      404      404      404      404      ok

programmes:index            -                   GET    login  404      404      404      404      404      ok
programmes:people           programme           GET    login  404      404      404      404      404      ok
programmes:people           programme           POST   login  404      404      404      404      404      ok
programmes:role_remove      programme-role      GET    login  405      405      405      405      405      405
programmes:role_remove      programme-role      POST   login  404      404      404      404      404      redirect
programmes:invitation_withdraw programme-invitation GET login 405   405      405      405      405      405
programmes:invitation_withdraw programme-invitation POST login 404  404      404      404      404      redirect
programmes:invitation       invitation-link     GET    login  ok       403      403      403      403      403
programmes:invitation       invitation-link     POST   login  redirect 403      403      403      403      403

notifications:list          -                   GET    login  ok       ok       ok       ok       ok       ok
notifications:preferences   -                   GET    login  ok       ok       ok       ok       ok       ok
notifications:read_all      -                   GET    login  405      405      405      405      405      405
notifications:read_all      -                   POST   login  redirect redirect redirect redirect redirect redirect
notifications:read          notification        GET    login  405      405      405      405      405      405
notifications:read          notification        POST   login  404      redirect 404      404      404      404

privacy:index               -                   GET    login  ok       ok       ok       ok       ok       ok
privacy:export              -                   GET    login  405      405      405      405      405      405
privacy:export              -                   POST   login  ok       ok       ok       ok       ok       ok
privacy:delete              -                   GET    login  ok       ok       ok       ok       ok       ok
privacy:erase               -                   GET    login  405      405      405      405      405      405
privacy:erase               -                   POST   login  ok       ok       ok       ok       ok       ok
privacy:erased              -                   GET    redirect redirect redirect redirect redirect redirect redirect
"""

# Pages a signed-out visitor may open for some codes (a published open group)
# and is sent to sign in for every other code, real or not: a link from an
# email still works after signing in, and nothing confirms a group exists.
SIGN_IN_FOR_UNSEEN = {"groups:detail"}

# Cells where the app does not yet do what the policy says. Each makes its
# test xfail(strict=True): fixing the bug turns the cell green and this entry
# must then go. Keyed by (name, target, method, role).
KNOWN_BUGS: dict = {}


@dataclass(frozen=True)
class Cell:
    name: str
    target: str
    method: str
    role: str
    expected: str

    @property
    def id(self) -> str:
        return f"{self.name}[{self.target}]{self.method}-{self.role}"


def cells() -> list[Cell]:
    """The table, one Cell per (line, role)."""
    out = []
    for line in POLICY.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, target, method, *expected = line.split()
        if len(expected) != len(ROLES) or method not in ("GET", "POST"):
            raise ValueError(f"malformed policy line: {line!r}")
        out += [Cell(name, target, method, role, e) for role, e in zip(ROLES, expected, strict=True)]
    return out


# Third-party URL sets, by path prefix, with the outcomes each role may get.
# allauth's own pages (sign in, sign up, password reset) are public, and every
# account page needs sign-in; nobody here is staff, so the Django admin sends
# every role to its own sign-in page, which hands anonymous visitors to
# allauth's sign-in and refuses signed-in people who are not staff.
ALLAUTH_PREFIX = "accounts/"
ALLAUTH_SIGNED_IN_ONLY = {
    "account_email", "account_change_password", "account_set_password", "account_reauthenticate",
    "mfa_index", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "usersessions_list",
    "account_confirm_login_code", "mfa_authenticate",  # without a sign-in under way
    "socialaccount_connections",
}
# Pages with one outcome for everyone: allauth's "sign-in with a provider
# failed" page answers 401; its provider sign-up form, with no provider
# sign-in under way, sends everyone to sign in.
ALLAUTH_ERROR_PAGES = {"socialaccount_login_error": "401", "socialaccount_signup": "login"}
# Signed in or not, nothing there may fail or refuse outright; a garbage key is a 404.
ALLAUTH_ALLOWED = {"ok", "redirect", "404"}
ADMIN_PREFIX = "admin/"
ADMIN_OPEN = {"admin:login": "login", "admin:logout": "redirect"}
ADMIN_OPEN_SIGNED_IN = {"admin:login": "403", "admin:logout": "redirect"}

# Someone else's object in a URL the role may open with its own: the same
# URL with the other code must be a 404. (name, method, role, own target,
# foreign target); the targets are in tests/authz/world.py.
IDOR = [
    ("notifications:read", "POST", "member", "notification", "other-notification"),
    ("signups:feedback", "GET", "member", "past-session", "other-past-session"),
    ("rooms:room", "GET", "member", "open-session", "other-session"),
    ("groups:manage", "GET", "facilitator", "open", "other"),
    ("groups:edit", "GET", "facilitator", "open", "other"),
    ("groups:facilitators", "GET", "facilitator", "open", "other"),
    ("groups:archive", "POST", "facilitator", "open", "other"),
    ("groups:facilitator_remove", "POST", "facilitator", "co-facilitation", "other-facilitation"),
    ("groups:session_roster", "GET", "facilitator", "open-session", "other-session"),
    ("groups:session_move", "GET", "facilitator", "open-session", "other-session"),
    ("groups:session_cancel", "GET", "facilitator", "open-session", "other-session"),
    ("signups:register", "GET", "facilitator", "open-session", "other-session"),
    ("signups:applications", "GET", "facilitator", "closed", "other"),
    ("signups:decide", "GET", "facilitator", "application", "other-application"),
    ("signups:intake", "POST", "facilitator", "closed", "other"),
    ("signups:group_feedback", "GET", "facilitator", "open", "other"),
    ("rooms:open", "POST", "facilitator", "open-session", "other-session"),
    ("rooms:close", "POST", "facilitator", "open-session", "other-session"),
    ("rooms:close", "GET", "facilitator", "open-session", "other-session"),
    ("rooms:status", "GET", "member", "open-session", "other-session"),
    ("groups:session_roster", "GET", "other_facilitator", "other-session", "open-session"),
    ("signups:applications", "GET", "other_facilitator", "other", "closed"),
    ("signups:register", "GET", "other_facilitator", "other-session", "open-session"),
    ("notifications:read", "POST", "other_member", "other-notification", "notification"),
]

# Who sees the display names of a closed group's members on its page
# (the page itself says "Only members and facilitators see this list").
MEMBER_NAMES_SHOWN_TO = {"member", "facilitator"}
KNOWN_NAME_LEAKS: dict = {}

# Garbage codes the app does not yet refuse cleanly: (name, kind of garbage)
# -> reason. Only on PostgreSQL (SQLite stores NUL bytes happily).
KNOWN_GARBAGE_BUGS_ON_POSTGRES: dict = {}
