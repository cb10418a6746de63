"""Pages for everyone signed in: find a group, a group's page; and the
programme admins' list of every group."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from groups.access import facilitates, get_group_for_user
from groups.eligibility import eligibility_refusal
from groups.forms import BrowseForm, ProgrammeFilterForm
from groups.selectors import facilitators_of
from programmes.access import administered_programmes
from programmes.selectors import programmes_to_browse
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


@require_GET
def browse(request):
    """Open to signed-out visitors too (published open groups only), so staff
    can look before registering."""
    programmes, installation_programmes = programmes_to_browse(request.user)
    form = BrowseForm.from_query(request.GET, signed_in=request.user.is_authenticated, programmes=programmes)
    filters = BrowseFilters(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    eligible = [p.pk for p in programmes] if request.user.is_authenticated else None
    page, query = _page(request, browse_groups(user=request.user, filters=filters, eligible=eligible))
    return render(request, "groups/browse.html", {"form": form, "page": page, "query": query,
                                                  "show_programmes": installation_programmes > 1})


@require_GET
def detail(request, code: str):
    """Signed-out visitors see a published open group's format, times and
    who it is for (never who is in it), with a prompt to sign in to book.
    Any other code sends them to sign in, whether or not such a group
    exists, so an emailed link still works and nothing is confirmed."""
    try:
        group, can_manage = get_group_for_user(request.user, code)
    except Http404:
        if request.user.is_authenticated:
            raise
        return redirect_to_login(request.get_full_path())
    if not request.user.is_authenticated:
        return render(request, "groups/detail.html", {
            "group": group, "sessions": list(upcoming_sessions(group=group)[:SESSIONS_SHOWN]),
            "ground_rules": group.current_ground_rules, "signed_out": True,
        })
    sessions = list(upcoming_sessions(group=group)[:SESSIONS_SHOWN])
    # Who the group is for is read once: the refusal and the page both say it.
    prefetch_related_objects([group], "eligibility")
    bookings = bookings_for_user(user=request.user, sessions=sessions)
    membership = membership_for_user(user=request.user, group=group) if group.is_closed else None
    member = group.is_closed and is_accepted_member(user=request.user, group=group)
    has_place = member or any(b.status == "confirmed" for b in bookings.values())
    facilitating = facilitates(request.user, group)
    # Said before anything is offered, so nobody applies or books in vain.
    refusal = eligibility_refusal(group, request.user) if not (facilitating or can_manage) else None
    return render(request, "groups/detail.html", {
        "group": group, "can_manage": can_manage, "sessions": sessions, "bookings": bookings,
        "membership": membership, "facilitators": facilitators_of(group), "facilitating": facilitating,
        "ground_rules": group.current_ground_rules,
        "fellow_members": fellow_member_names(group=group) if member or facilitating else [],
        "show_link": can_manage or has_place, "refusal": refusal,
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
