"""The project's URLs plus /bench/hello/, a view doing no work: the floor every
page is compared with (it still passes through all the middleware)."""

from django.http import HttpResponse
from django.urls import path

from wellbeing.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *project_urlpatterns]
