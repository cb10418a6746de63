from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site shell: pages, health and shared form markup"

    def ready(self) -> None:
        from django.urls import register_converter

        from core.codes import CodeConverter, TokenConverter

        # Every app's URLs name public codes with these (converter names are global).
        register_converter(CodeConverter, "code")
        register_converter(TokenConverter, "token")
