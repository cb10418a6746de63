from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and reminders"

    def ready(self) -> None:
        from core import health
        from notifications import receivers
        from notifications.health import check_mail

        receivers.connect()
        health.register("mail", check_mail, degrading=True)
