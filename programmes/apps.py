from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from programmes import receivers  # noqa: F401  connects them
