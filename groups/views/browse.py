"""Pages for everyone signed in: find a group, a group's page; and the
programme admins' list of every group."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from groups.access import facilitates, get_group_for_user
from groups.forms import BrowseForm, ProgrammeFilterForm
from groups.selectors import facilitators_of
from programmes.access import administered_programmes
from signups.selectors import (
    BrowseFilters,
    bookings_for_user,
    browse_groups,
    fellow_member_names,
    is_accepted_member,
    membership_for_user,
    programme_groups,
    upcoming_sessions,
)

PER_PAGE = 10
SESSIONS_SHOWN = 12


def _page(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
@require_GET
def browse(request):
    form = BrowseForm.from_query(request.GET)
    filters = BrowseFilters(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    page, query = _page(request, browse_groups(user=request.user, filters=filters))
    return render(request, "groups/browse.html", {"form": form, "page": page, "query": query})


@login_required
@require_GET
def detail(request, code: str):
    group, can_manage = get_group_for_user(request.user, code)
    sessions = list(upcoming_sessions(group=group)[:SESSIONS_SHOWN])
    bookings = bookings_for_user(user=request.user, sessions=sessions)
    membership = membership_for_user(user=request.user, group=group) if group.is_closed else None
    member = group.is_closed and is_accepted_member(user=request.user, group=group)
    has_place = member or any(b.status == "confirmed" for b in bookings.values())
    facilitating = facilitates(request.user, group)
    return render(request, "groups/detail.html", {
        "group": group, "can_manage": can_manage, "sessions": sessions, "bookings": bookings,
        "membership": membership, "facilitators": facilitators_of(group), "facilitating": facilitating,
        "ground_rules": group.current_ground_rules,
        "fellow_members": fellow_member_names(group=group) if member or facilitating else [],
        "show_link": can_manage or has_place,
    })


@login_required
@require_GET
def programme(request):
    programmes = administered_programmes(request.user)
    if not programmes.exists():
        raise Http404("No page here")
    form = ProgrammeFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page, query = _page(request, programme_groups(status=status, programmes=programmes))
    return render(request, "groups/programme.html", {"form": form, "page": page, "query": query})
