"""Demo programmes for `manage.py seed_demo`: the installation's default
programme (national, open to all NHS staff), where the demo people of
core.demo hold their roles, and a trust's own Schwartz Rounds programme with
its own admin, a local practitioner, its own "Need help now?" entry, and
Ruth facilitating in both. The trust's Rounds are open to its own email
domain and to the staff of a neighbouring organisation it hosts (listed by
name and ODS code): Lee, at an nhs.net address, is eligible through the
organisation on their profile. Idempotent."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from accounts.choices import CareerStage, Profession, Region
from accounts.models import User
from core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, PEOPLE
from programmes.models import Organisation, Programme, Signpost, default_programme_pk
from programmes.services import programme_role_grant

TRUST = "St Elsewhere Hospitals Schwartz Rounds"
TRUST_DOMAIN = "stelsewhere.demo.nhs.uk"
# The neighbouring organisation whose staff the trust's Rounds also welcome
# (a made-up ODS code: real codes name real organisations).
NEIGHBOUR = ("ZZ901", "Elsewhere Community Health NHS Trust")
# email, display name, profession, profile organisation, roles in the trust's programme
TRUST_PEOPLE = [
    (f"admin@{TRUST_DOMAIN}", "Dee (trust programme admin)", Profession.ADMIN, "", ["programme_admin"]),
    (f"nurse@{TRUST_DOMAIN}", "Kim", Profession.NURSE, "", []),
    ("physio@demo.nhs.net", "Lee", Profession.AHP, NEIGHBOUR[1], []),
    ("facilitator@demo.nhs.net", None, None, "", ["facilitator"]),
]


def _person(email: str, name: str, profession: str, organisation: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults=dict(
        display_name=name, profession=profession, career_stage=CareerStage.ESTABLISHED,
        region=Region.MIDLANDS, organisation=organisation, onboarded_at=timezone.now()))
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _trust() -> Programme:
    programme, created = Programme.objects.get_or_create(name=TRUST, defaults=dict(
        email_domains=TRUST_DOMAIN, contact_email=f"wellbeing@{TRUST_DOMAIN}",
        contact_phone="0115 496 0000",
        ground_rules_default="What is said in the Round stays in the Round. We share stories, not solutions."))
    if created:
        Signpost.objects.create(programme=programme, name="St Elsewhere occupational health",
                                detail="Confidential support for trust staff: call 0115 496 0123, weekdays 8am to 6pm.",
                                href="tel:01154960123")
    Organisation.objects.get_or_create(programme=programme, ods_code=NEIGHBOUR[0], defaults={"name": NEIGHBOUR[1]})
    return programme


@transaction.atomic
def seed(people: dict[str, User]) -> None:
    default = Programme.objects.get(pk=default_programme_pk())
    for email, *_rest, roles in PEOPLE:
        for role in roles:
            programme_role_grant(programme=default, user=people[email], role=role)
    trust = _trust()
    for email, name, profession, organisation, roles in TRUST_PEOPLE:
        user = people.get(email) or _person(email, name, profession, organisation)
        people[email] = user
        for role in roles:
            programme_role_grant(programme=trust, user=user, role=role)
        if roles and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
