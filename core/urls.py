from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.need_help, name="need_help"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
