from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.roles import ROLES
from accounts.services import role_grant, role_revoke


class Command(BaseCommand):
    help = "Grant or revoke a role: manage.py role grant|revoke facilitator|programme_admin EMAIL"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke"])
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("email")

    def handle(self, *args, action, role, email, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No account uses {email}.") from None
        (role_grant if action == "grant" else role_revoke)(user=user, role=role)
        verb = "granted to" if action == "grant" else "revoked from"
        self.stdout.write(f"Role {role} {verb} {user.email}.")
