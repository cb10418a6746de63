from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks


def home(request):
    return render(request, "core/home.html")


def privacy(request):
    return render(request, "core/privacy.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


def need_help(request):
    return render(request, "core/need_help.html", {"entries": settings.SIGNPOSTING})


@require_GET
@never_cache
def healthz(request):
    checks = run_checks()
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
