"""Site-wide middleware of the shell."""

from django.shortcuts import render

from core.cache import CacheUnavailable


class CacheUnavailableMiddleware:
    """An action that must be counted (signing in, booking, a two-factor
    code) while the shared cache is unreachable: refuse it with a clear page
    (503) rather than let it through without a limit or answer 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, CacheUnavailable):
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "60"
            return response
        return None
