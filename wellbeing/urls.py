from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import oidc
from programmes.views.help import need_help

# The admin signs in through allauth like everyone else: its rate limits,
# two-factor step and session rules apply (Django's own form has none).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("core.urls")),
    # The national entries, then those of the programmes the person may join.
    path("help/", need_help, name="need_help"),
    # allauth's OpenID Connect views with our stricter adapter, at allauth's
    # own addresses (so they answer first): accounts/oidc.py says why.
    path("accounts/oidc/<str:provider_id>/login/", oidc.login, name="oidc_login"),
    path("accounts/oidc/<str:provider_id>/login/callback/", oidc.callback, name="oidc_callback"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("groups/", include("groups.urls")),
    path("", include("signups.urls")),
    path("rooms/", include("rooms.urls")),
    path("reports/", include("reports.urls")),
    path("programmes/", include("programmes.urls")),
    path("notifications/", include("notifications.urls")),
    path("privacy/you/", include("privacy.urls")),
    path("admin/", admin.site.urls),
]
