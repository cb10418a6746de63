from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("participation.csv", views.csv_export, name="csv"),
    path("programmes/", views.overview, name="overview"),
    path("programmes.csv", views.overview_csv, name="overview_csv"),
]
