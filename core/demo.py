"""Demo people for `make run`. Idempotent: running it again changes nothing."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.choices import CareerStage, Profession, Region
from accounts.models import User
from accounts.services import role_grant

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo logins, embedded mode only

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
        for role in roles:
            role_grant(user=user, role=role)
        people[email] = user
    return people
