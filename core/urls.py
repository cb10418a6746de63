from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.need_help, name="need_help"),
    path("healthz", views.healthz, name="healthz"),
]
