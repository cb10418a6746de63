"""`manage.py demo_code`: the demo facilitators' and admin's two-factor code now."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo facilitators and programme admin."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo codes exist only in the embedded demo (DEBUG=true).")
        self.stdout.write(demo_totp_code())
