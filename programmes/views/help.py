"""The "Need help now?" page: the national entries (settings.SIGNPOSTING)
for everyone, then the own entries of every programme the signed-in person
may join or runs."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.selectors import signposts_of_eligible


def need_help(request: HttpRequest) -> HttpResponse:
    return render(request, "core/need_help.html", {
        "entries": settings.SIGNPOSTING, "programmes": signposts_of_eligible(request.user)})
