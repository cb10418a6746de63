"""`manage.py seed_demo`: demo people, groups and bookings for `make run`."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, PEOPLE, seed_people

# Each app that has demo data offers `<app>.demo.seed(people)`.
DEMO_APPS = ["programmes", "groups", "signups", "reports"]  # reports: six months of history


class Command(BaseCommand):
    help = "Load idempotent demo data (people, and each app's groups, bookings and six months of history)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data has published passwords: load it only with DEBUG=true.")
        people = seed_people()
        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(people)
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, *_rest, roles in PEOPLE:
            self.stdout.write(f"  {email:<28} {', '.join(roles) or 'practitioner'}")
        self.stdout.write(
            f"Facilitators and the admin also need a two-factor code: add the secret {DEMO_TOTP_SECRET} "
            "to an authenticator app, or run `make demo-code`."
        )
