from django.urls import path

from rooms.consumers import RoomConsumer

websocket_urlpatterns: list = [
    path("ws/rooms/<str:code>/", RoomConsumer.as_asgi()),
]
