import factory
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


class FacilitatorFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj, role="facilitator")


class ProgrammeAdminFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj, role="programme_admin")
