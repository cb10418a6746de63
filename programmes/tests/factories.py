import factory

from programmes.models import Organisation, Programme, Signpost


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A trust's own programme: open to people at its email domain."""

    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Trust {n} peer support")
    email_domains = factory.Sequence(lambda n: f"trust{n}.nhs.uk")


class SignpostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signpost

    programme = factory.SubFactory(ProgrammeFactory)
    name = "Trust occupational health"
    detail = "Call 0115 000 0000, weekdays 8am to 6pm."
    href = "tel:01150000000"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    programme = factory.SubFactory(ProgrammeFactory)
    ods_code = factory.Sequence(lambda n: f"R{n:02d}X")
    name = factory.Sequence(lambda n: f"Trust {n} NHS Foundation Trust")
