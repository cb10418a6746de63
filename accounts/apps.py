from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import signals
        from accounts.roles import role_groups_ensure

        # After auth's own post_migrate handler has created the permissions.
        post_migrate.connect(role_groups_ensure, sender=self)
        signals.connect()
