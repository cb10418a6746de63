from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from programmes.models import Programme, Role, default_programme_pk
from programmes.services import programme_role_grant, programme_role_revoke_by_email


class Command(BaseCommand):
    help = ("Grant or revoke a role in a programme: manage.py role grant|revoke facilitator|programme_admin "
            "EMAIL [--programme CODE]. --programme may be left out while the installation has one programme.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke"])
        parser.add_argument("role", choices=sorted(Role.values))
        parser.add_argument("email")
        parser.add_argument("--programme", help="the programme's code (or its exact name)")

    def handle(self, *args, action, role, email, programme=None, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No account uses {email}.") from None
        chosen = self._programme(programme)
        try:
            if action == "grant":
                programme_role_grant(programme=chosen, user=user, role=role)
            elif not programme_role_revoke_by_email(programme=chosen, user=user, role=role):
                raise CommandError(f"{user.email} is not a {role} in {chosen.name}.")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "granted to" if action == "grant" else "revoked from"
        self.stdout.write(f"Role {role} in {chosen.name} {verb} {user.email}.")

    def _programme(self, given: str | None) -> Programme:
        if given:
            found = Programme.objects.filter(code=given).first() or Programme.objects.filter(
                name__iexact=given).first()
            if found is None:
                raise CommandError(f"No programme has the code or name {given!r}.")
            return found
        programmes = list(Programme.objects.order_by("name")[:21])
        if not programmes:
            return Programme.objects.get(pk=default_programme_pk())
        if len(programmes) > 1:
            listing = ", ".join(f"{p.code} ({p.name})" for p in programmes[:20])
            raise CommandError(f"This installation has several programmes: name one with --programme. {listing}")
        return programmes[0]
