"""`manage.py oidc_jwks`: the public keys to register with the NHS sign-in
providers that use `private_key_jwt` (a JWK Set, as JSON)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.client_assertion import public_jwk


class Command(BaseCommand):
    help = "Print the public keys (JWK Set) of the sign-in providers configured with private_key_jwt."

    def add_arguments(self, parser):
        parser.add_argument("provider", nargs="?", help="only this provider id (e.g. cis2)")

    def handle(self, *args, provider=None, **options):
        apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
        signing = [app for app in apps if app["settings"].get("token_auth_method") == "private_key_jwt"
                   and provider in (None, app["provider_id"])]
        if not signing:
            raise CommandError("No sign-in provider " + (f"{provider!r} " if provider else "")
                               + "is configured with OIDC_<ID>_TOKEN_AUTH_METHOD=private_key_jwt.")
        keys = [public_jwk(app["settings"]["private_key"], app["settings"]["signing_alg"], app["settings"]["key_id"])
                for app in signing]
        self.stdout.write(json.dumps({"keys": keys}, indent=2))
