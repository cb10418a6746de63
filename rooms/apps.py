from django.apps import AppConfig
from django.conf import settings


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = "Live rooms"

    def ready(self):
        if settings.JANUS_URLS:
            from core import health
            from rooms.health import check_media_servers

            # Janus down leaves pages, chat, hands and support working ("video
            # is reconnecting"): degraded, not unavailable.
            health.register("media_server", check_media_servers, degrading=True)
