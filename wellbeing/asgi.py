"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellbeing.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from wellbeing.origins import SiteOriginValidator  # noqa: E402
from wellbeing.routing import websocket_urlpatterns  # noqa: E402
from wellbeing.socket_sessions import socket_auth_stack  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Scheme, host and port must be the site's own (wellbeing/origins.py);
        # the session and user as Channels resolves them (wellbeing/socket_sessions.py).
        "websocket": SiteOriginValidator(socket_auth_stack(URLRouter(websocket_urlpatterns))),
    }
)
