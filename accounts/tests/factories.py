import time

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.choices import CareerStage, Profession, Region
from accounts.models import User


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


def role_grant(*, user, role: str, programme=None):
    """Give a person a role in a programme (the default one unless named): the
    row an invitation or `manage.py role grant` makes, without their audit
    event (tests that count audit events should not see the set-up's)."""
    from programmes.models import ProgrammeRole, default_programme_pk

    held, _ = ProgrammeRole.objects.get_or_create(
        programme_id=programme.pk if programme else default_programme_pk(), user=user, role=role)
    return held


def role_revoke(*, user, role: str, programme=None) -> None:
    """Take a role away in a programme (the default one unless named)."""
    from programmes.models import ProgrammeRole, default_programme_pk

    held = ProgrammeRole.objects.get(user=user, role=role, programme_id=(programme.pk if programme
                                                                       else default_programme_pk()))
    held.delete()  # as the admin would; programmes.services refuses the last admin


def _with_totp(user) -> None:
    """Facilitators and admins must use two-factor authentication."""
    TOTP.activate(user, generate_totp_secret())


class FacilitatorFactory(UserFactory):
    """A facilitator in the default programme, or in `programmes=[...]`."""

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):
        if create:
            for programme in extracted or [None]:
                role_grant(user=obj, role="facilitator", programme=programme)
            _with_totp(obj)


class ProgrammeAdminFactory(UserFactory):
    """A programme admin of the default programme, or of `programmes=[...]`."""

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):
        if create:
            for programme in extracted or [None]:
                role_grant(user=obj, role="programme_admin", programme=programme)
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
