from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import overall, run_checks


def home(request):
    return render(request, "core/home.html")


def privacy(request):
    return render(request, "core/privacy.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


@require_GET
@never_cache
def healthz(request):
    checks = run_checks()
    status = overall(checks)
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "unavailable" else 200)
