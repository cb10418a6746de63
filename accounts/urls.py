from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("session/extend/", views.session_extend, name="session_extend"),
]
