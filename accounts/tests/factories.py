import time

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.choices import CareerStage, Profession, Region
from accounts.models import User
from accounts.services import role_grant


class UserFactory(factory.django.DjangoModelFactory):
    """An onboarded practitioner with a verified email address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@nhs.net")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    profession = Profession.NURSE
    career_stage = CareerStage.ESTABLISHED
    region = Region.LONDON
    onboarded_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def _with_totp(user) -> None:
    """Facilitators and admins must use two-factor authentication."""
    TOTP.activate(user, generate_totp_secret())


class FacilitatorFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj, role="facilitator")
            _with_totp(obj)


class ProgrammeAdminFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj, role="programme_admin")
            _with_totp(obj)


def current_totp_code(user) -> str:
    """The code the person's authenticator app would show now."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from accounts.mfa import MFAAdapter

    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(MFAAdapter().decrypt(stored), counter))
