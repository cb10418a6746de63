import pytest

from accounts.tests.factories import FacilitatorFactory, ProgrammeAdminFactory, UserFactory
from programmes.models import Programme, default_programme_pk
from programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def national(db):
    """The default programme: open to all NHS staff."""
    return Programme.objects.get(pk=default_programme_pk())


@pytest.fixture
def trust(db):
    return ProgrammeFactory(name="Trust B Schwartz Rounds", email_domains="trustb.nhs.uk, *.trustb.nhs.uk")


@pytest.fixture
def trust_admin(trust):
    return ProgrammeAdminFactory(email="admin@trustb.nhs.uk", programmes=[trust])


@pytest.fixture
def trust_facilitator(trust):
    return FacilitatorFactory(email="facilitator@trustb.nhs.uk", programmes=[trust])


@pytest.fixture
def trust_practitioner(trust):
    return UserFactory(email="nurse@ward.trustb.nhs.uk")


@pytest.fixture
def installation_admin(admin_user, client):
    """A superuser with two-factor authentication and a profile, signed in
    (`client`), as the installation admin who runs every programme."""
    from django.utils import timezone

    admin_user.display_name, admin_user.onboarded_at = "Installation Admin", timezone.now()
    admin_user.save()
    client.force_login(admin_user)
    return admin_user
