from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy: export, erasure, retention and audit"

    def ready(self) -> None:
        from privacy import receivers  # noqa: F401  connects the admin log receiver
