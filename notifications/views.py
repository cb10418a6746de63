from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from notifications import messages as notification_messages
from notifications import selectors, services
from notifications.forms import PreferenceForm

PAGE_SIZE = 20


@login_required
def notification_list(request):
    paginator = Paginator(selectors.notifications_for_user(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = [
        {"notification": n, "headline": notification_messages.headline(n), "link": notification_messages.link(n)}
        for n in page.object_list
    ]
    return render(request, "notifications/list.html", {
        "page": page, "entries": entries, "any_unread": any(n.is_unread for n in page.object_list),
    })


@login_required
@require_POST
def notification_read(request, code: str):
    notification = selectors.get_notification_for_user(user=request.user, code=code)
    services.notification_mark_read(notification=notification)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, "All your notifications are marked as read.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.preference_for_user(user=request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your reminder choices are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
