import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.management import CommandError, call_command

from accounts.mfa import MFAAdapter
from accounts.models import User
from core.demo import DEMO_TOTP_SECRET, demo_totp_code


def test_demo_data_loads_twice_without_change(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == counts


def test_demo_facilitators_can_pass_two_factor_with_the_printed_code(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    facilitator = User.objects.get(email="facilitator@demo.nhs.net")
    secret = MFAAdapter().decrypt(facilitator.authenticator_set.get(type="totp").data["secret"])
    assert secret == DEMO_TOTP_SECRET
    assert validate_totp_code(secret, demo_totp_code())


def test_demo_data_is_refused_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo")
