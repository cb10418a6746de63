import hashlib
import time
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import UpdateError
from django.shortcuts import redirect
from django.urls import reverse

from accounts.mfa import mfa_setup_needed

# Paths a person may visit before finishing onboarding: the account pages
# (sign out, verify email, MFA), help, health checks and static files.
_OPEN_PREFIXES = ("/accounts/", "/help/", "/healthz", "/static/", "/admin/", "/privacy/", "/accessibility/")
# Paths open before setting up two-factor authentication: the same but the
# Django admin, which is never usable on a password alone.
_MFA_OPEN_PREFIXES = tuple(p for p in _OPEN_PREFIXES if p != "/admin/")


class OnboardingRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        onboarding = reverse("accounts:onboarding")
        if (
            user.is_authenticated
            and not user.is_onboarded
            and request.path != onboarding
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{onboarding}?next={request.path}")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Signs a person out after a period without activity, and after an
    absolute limit, so an unlocked shared ward computer doesn't stay signed in.

    Activity is recorded at most once a minute to spare the session store.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = session_expiry(request)
            if expired:
                return _sign_out(request, expired)
            touch_session(request)
        return self.get_response(request)


def session_expiry(request) -> str | None:
    """"idle" or "absolute" when the signed-in session has run out, else None."""
    return session_store_expiry(request.session)


def session_store_expiry(session) -> str | None:
    """The same for a session read from the store (a socket has no request)."""
    now = time.time()
    started = session.setdefault("started_at", now)
    last_seen = session.get("last_seen", now)
    if now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
        return "idle"
    if now - started > settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600:
        return "absolute"
    return None


def touch_session(request, *, force: bool = False) -> None:
    _touch(request.session, force=force)


def _touch(session, *, force: bool = False) -> None:
    now = time.time()
    if force or now - session.get("last_seen", 0) >= 60:
        session["last_seen"] = now


def seconds_until_idle_timeout(request) -> int:
    last_seen = request.session.get("last_seen", time.time())
    return max(0, int(last_seen + settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - time.time()))


# --- the same limits for live connections (room WebSockets) ------------------------
# A socket has no request to run the middleware on: it re-reads the session
# from the store, so a page in another tab (or "Stay signed in") counts too.


def _stored_session(session_key: str):
    """The signed-in session under this key, freshly read, or None if it
    has gone (signed out, ended from another browser)."""
    from django.contrib.auth import SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return store if session_key and store.get(SESSION_KEY) is not None else None


def session_seconds_left(session) -> float:
    """Seconds until the idle or the absolute limit, whichever comes first."""
    now = time.time()
    idle_end = session.get("last_seen", now) + settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    absolute_end = session.get("started_at", now) + settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600
    return max(0.0, min(idle_end, absolute_end) - now)


def stored_session_time_left(session_key: str) -> float:
    """Seconds until this signed-in session ends by the idle or absolute
    limit; 0 when it has ended (or is gone)."""
    session = _stored_session(session_key)
    if session is None or session_store_expiry(session):
        return 0.0
    return session_seconds_left(session)


def stored_session_touch(session_key: str) -> float:
    """Record activity (at most once a minute, as pages do) on a session that
    is still running; returns the seconds left, 0 if it has already ended."""
    session = _stored_session(session_key)
    if session is None or session_store_expiry(session):
        return 0.0
    _touch(session)
    if session.modified:
        try:
            session.save()
        except UpdateError:  # signed out meanwhile
            return 0.0
    return session_seconds_left(session)


def _sign_out(request, reason: str):
    logout(request)
    if reason == "idle":
        text = f"You were signed out after {settings.SESSION_IDLE_TIMEOUT_MINUTES} minutes without activity."
    else:
        text = "You were signed out because you had been signed in for a long time."
    messages.info(request, text + " Sign in again to continue.")
    target = request.get_full_path() if request.method == "GET" else "/"
    return redirect(f"{reverse('account_login')}?next={quote(target)}")


class UserSessionsMiddleware:
    """allauth's "signed-in browsers" tracking (USERSESSIONS_TRACK_ACTIVITY),
    written at most once a minute per session instead of on every request:
    allauth's own middleware runs a transaction with a read, a second read
    and an UPDATE on every request. The row is still written at once on a
    session's first request, and whenever its key, address or browser changes
    (so allauth's `session_client_changed` still fires); only `last_seen_at`
    is up to a minute old, the granularity the idle timeout works in too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.session_key:
            record_user_session(request)
        return self.get_response(request)


def record_user_session(request) -> None:
    from allauth.account.adapter import get_adapter
    from allauth.usersessions import app_settings
    from allauth.usersessions.models import UserSession

    if not app_settings.TRACK_ACTIVITY:
        return
    now = time.time()
    session = request.session
    seen = f"{session.session_key}|{get_adapter().get_client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    client = hashlib.sha256(seen.encode()).hexdigest()[:16]
    if session.get("activity_client") == client and now - session.get("activity_at", 0) < 60:
        return
    UserSession.objects.create_from_request(request)
    session["activity_client"], session["activity_at"] = client, now


class MfaRequiredMiddleware:
    """Facilitators, programme admins and Django admin staff must set up
    two-factor authentication before anything else (the Django admin
    included); checked on every request, remembered in the session
    once satisfied (they cannot remove their last authenticator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            messages.warning(
                request,
                "Because you run groups, see programme information or use the admin, you must set up "
                "two-factor authentication before you continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        if request.path.startswith(_MFA_OPEN_PREFIXES):
            return False
        return mfa_setup_needed(request.user, request.session)
