"""WebSocket routes of every app (the live rooms add theirs here)."""

websocket_urlpatterns: list = []
