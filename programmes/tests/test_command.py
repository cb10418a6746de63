import pytest
from django.core.management import CommandError, call_command

from accounts.roles import is_facilitator
from programmes.models import ProgrammeRole


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_without_programme_it_uses_the_only_one(practitioner, national):
    call_command("role", "grant", "facilitator", practitioner.email)
    assert ProgrammeRole.objects.filter(user=practitioner, programme=national, role="facilitator").exists()
    call_command("role", "revoke", "facilitator", practitioner.email.upper())
    assert not is_facilitator(_fresh(practitioner))


def test_with_several_programmes_it_must_be_named(practitioner, national, trust):
    with pytest.raises(CommandError, match="several programmes"):
        call_command("role", "grant", "facilitator", practitioner.email)
    call_command("role", "grant", "programme_admin", practitioner.email, "--programme", trust.code)
    assert list(ProgrammeRole.objects.filter(user=practitioner).values_list("programme", "role")) == [
        (trust.pk, "programme_admin")]


def test_an_unknown_programme_is_a_clear_error(practitioner, national):
    with pytest.raises(CommandError, match="No programme"):
        call_command("role", "grant", "facilitator", practitioner.email, "--programme", "nope")


def test_the_last_admin_cannot_be_revoked(trust_admin, trust):
    with pytest.raises(CommandError, match="at least one admin"):
        call_command("role", "revoke", "programme_admin", trust_admin.email, "--programme", trust.code)
