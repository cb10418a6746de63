from django.urls import path

from rooms import views

app_name = "rooms"
urlpatterns = [
    path("<str:code>/", views.room, name="room"),
    path("<str:code>/open/", views.room_open, name="open"),
    path("<str:code>/close/", views.room_close, name="close"),
]
