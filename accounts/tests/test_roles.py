import pytest
from django.core.management import CommandError, call_command

from accounts.roles import is_facilitator, is_programme_admin


def _fresh(user):
    # Permission caches live on the instance.
    return type(user).objects.get(pk=user.pk)


def test_grant_and_revoke_facilitator(practitioner):
    call_command("role", "grant", "facilitator", practitioner.email)
    assert is_facilitator(_fresh(practitioner))
    call_command("role", "revoke", "facilitator", practitioner.email.upper())
    assert not is_facilitator(_fresh(practitioner))


def test_grant_programme_admin(practitioner):
    call_command("role", "grant", "programme_admin", practitioner.email)
    user = _fresh(practitioner)
    assert is_programme_admin(user)
    assert not is_facilitator(user)


def test_an_unknown_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No account uses"):
        call_command("role", "grant", "facilitator", "nobody@nhs.net")


def test_an_unknown_role_is_refused(practitioner):
    with pytest.raises(CommandError):
        call_command("role", "grant", "superhero", practitioner.email)


def test_every_verified_person_is_a_practitioner_without_extra_roles(practitioner):
    assert not is_facilitator(practitioner)
    assert not is_programme_admin(practitioner)
