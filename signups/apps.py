from django.apps import AppConfig


class SignupsConfig(AppConfig):
    name = "signups"
    verbose_name = "Sign-ups: bookings, memberships, attendance and feedback"

    def ready(self) -> None:
        from signups import receivers  # noqa: F401  connects them
