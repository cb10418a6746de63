"""The person's own data. No codes or ids: every page is about the person signed in."""

from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("delete/confirm/", views.erase, name="erase"),
    path("deleted/", views.erased, name="erased"),
]
