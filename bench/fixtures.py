"""Bench data written straight into the bench database: people (without
password hashing, which would dominate set-up time), signed-in browser
sessions, groups and sessions."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

CSRF = "b" * 32  # any 32 alphanumerics: sent as both cookie and header
PROFESSIONS = ["doctor", "nurse", "midwife", "ahp"]
STAGES = ["student", "fy1", "fy2", "trainee"]
REGIONS = ["east", "london", "midlands", "ney"]


def make_users(n: int, prefix: str, role: str | None = None) -> list:
    from accounts.models import User

    unusable = make_password(None)
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@nhs.net", display_name=f"{prefix} {i}"[:40], password=unusable,
                 profession=PROFESSIONS[i % 4], career_stage=STAGES[i % 4], region=REGIONS[i % 4],
                 onboarded_at=now)
            for i in range(n)
        ],
        batch_size=2000,
    )
    if role:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from programmes.models import Programme, default_programme_pk
        from programmes.services import programme_role_grant

        programme = Programme.objects.get(pk=default_programme_pk())
        for user in users:
            programme_role_grant(programme=programme, user=user, role=role)
            TOTP.activate(user, generate_totp_secret())  # else the MFA middleware redirects
    return users


def cookies_for(users: list) -> list[dict[str, str]]:
    """A signed-in session for each person, as the cookies a browser would send."""
    store = SessionStore()
    now = timezone.now()
    started = now.timestamp()
    rows, cookies = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],  # a stale name signs nobody in
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            "mfa_ok": True, "started_at": started, "last_seen": started,
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=now + timedelta(hours=6)))
        cookies.append({"sessionid": key, "csrftoken": CSRF})
    Session.objects.bulk_create(rows, batch_size=2000)
    return cookies


def make_group(*, title: str, capacity: int, facilitator=None, fmt: str = "reflective",
               lobby: bool = True, video: bool = True):
    from groups.models import Facilitation, PeerGroup

    group = PeerGroup.objects.create(
        title=title, format=fmt, description="A bench group.", membership="open", capacity=capacity,
        duration_minutes=90, status=PeerGroup.Status.PUBLISHED, lobby_enabled=lobby, video_enabled=video,
    )
    if facilitator is not None:
        Facilitation.objects.create(group=group, user=facilitator)
    return group


def make_session(group, *, starts_at: datetime, minutes: int = 90, capacity: int | None = None):
    from groups.models import GroupSession

    return GroupSession.objects.create(group=group, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                                       capacity=capacity)


def reset_database() -> None:
    """Drop and re-create the bench database, then migrate it (quietly)."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    from bench.common import DATABASE_URL

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    connections.close_all()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)
    # DEBUG is off, so pages need the hashed static files' manifest.
    call_command("collectstatic", verbosity=0, interactive=False)
