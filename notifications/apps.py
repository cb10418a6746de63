from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and reminders"

    def ready(self) -> None:
        from core import health
        from notifications import receivers  # noqa: F401  connects them
        from notifications.health import check_mail

        health.register("mail", check_mail, degrading=True)
