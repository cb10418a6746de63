from django.urls import path

from rooms import views

app_name = "rooms"
urlpatterns = [
    path("janus/turn/", views.janus_turn, name="janus_turn"),
    path("<code:code>/", views.room, name="room"),
    path("<code:code>/status/", views.room_status, name="status"),
    path("<code:code>/open/", views.room_open, name="open"),
    path("<code:code>/close/", views.room_close, name="close"),
]
