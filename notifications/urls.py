from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notifications_read_all, name="read_all"),
    path("<code:code>/read/", views.notification_read, name="read"),
    path("reminders/", views.preferences, name="preferences"),
]
