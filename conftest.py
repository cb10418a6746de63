"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tests send mail to Django's in-memory outbox (its test set-up puts
    every mailer there), never into the developer's var/outbox; they hash passwords
    quickly (the real hasher is deliberately slow); every test starts with
    an empty cache."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate-limit counters (allauth's and ours) must not leak between tests.
    cache.clear()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser (and so `admin_client`), with the two-factor
    authentication every staff account must have before the admin opens."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(admin_user, generate_totp_secret())
    return admin_user


@pytest.fixture
def practitioner(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def facilitator(db):
    from accounts.tests.factories import FacilitatorFactory

    return FacilitatorFactory()


@pytest.fixture
def other_facilitator(db):
    from accounts.tests.factories import FacilitatorFactory

    return FacilitatorFactory()


@pytest.fixture
def programme_admin(db):
    from accounts.tests.factories import ProgrammeAdminFactory

    return ProgrammeAdminFactory()


@pytest.fixture
def outsider(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture(autouse=True, scope="session")
def _celery_broker_in_memory():
    """Tasks that tests enqueue (e.g. a notification after a booking commits)
    go to an in-memory broker, never a developer's var/broker or CI's Redis.
    The worker tests start their own Celery processes with their own broker."""
    from wellbeing.celery import app

    app.conf.broker_url = "memory://localhost/"
