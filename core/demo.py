"""Demo people for `make run`. Idempotent: running it again changes nothing."""

import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from accounts.choices import CareerStage, Profession, Region
from accounts.models import User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo logins, embedded mode only
# Facilitators and admins must use two-factor authentication. The demo ones
# share this published secret: add it to an authenticator app, or run
# `make demo-code` for the current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

PEOPLE = [
    # email, display name, profession, career stage, region, roles
    ("admin@demo.nhs.net", "Priya (programme admin)", Profession.ADMIN, CareerStage.SENIOR,
     Region.LONDON, ["programme_admin"]),
    ("facilitator@demo.nhs.net", "Ruth", Profession.PSYCHOLOGICAL, CareerStage.SENIOR,
     Region.LONDON, ["facilitator"]),
    ("cofacilitator@demo.nhs.net", "Tom", Profession.DOCTOR, CareerStage.SENIOR,
     Region.NORTH_WEST, ["facilitator"]),
    ("nurse@demo.nhs.net", "Sam", Profession.NURSE, CareerStage.ESTABLISHED, Region.MIDLANDS, []),
    ("fy1@demo.nhs.net", "Alex", Profession.DOCTOR, CareerStage.FY1, Region.LONDON, []),
    ("midwife@demo.nhs.net", "Jo", Profession.MIDWIFE, CareerStage.EARLY, Region.SOUTH_WEST, []),
    ("paramedic@demo.nhs.net", "Chris", Profession.PARAMEDIC, CareerStage.ESTABLISHED,
     Region.SCOTLAND, []),
    ("pharmacist@demo.nhs.net", "Morgan", Profession.PHARMACIST, CareerStage.TRAINEE,
     Region.WALES, []),
]


def seed_people() -> dict[str, User]:
    people = {}
    for email, name, profession, stage, region, roles in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults=dict(display_name=name, profession=profession, career_stage=stage,
                          region=region, onboarded_at=timezone.now()),
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        # The roles themselves are held in programmes: programmes.demo grants them.
        if roles and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        people[email] = user
    return people


def demo_totp_code(at: float | None = None) -> str:
    """The current two-factor code of the demo facilitators and admin."""
    from allauth.mfa import app_settings

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
