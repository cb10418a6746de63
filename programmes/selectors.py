"""Reads about programmes: their people, open invitations and signposting."""

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from programmes.access import eligible_programmes
from programmes.models import Invitation, Programme, ProgrammeRole, Signpost


def people_of(programme: Programme) -> QuerySet[ProgrammeRole]:
    """Who holds which role in the programme, admins first, then by display name."""
    return (
        ProgrammeRole.objects.filter(programme=programme)
        .select_related("user")
        .order_by("-role", "user__display_name", "user__email", "pk")
    )


def open_invitations(programme: Programme) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        programme=programme, accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def signposting_for(programme: Programme | int | None) -> list[dict[str, str]]:
    """"Need help now?": the national entries (settings.SIGNPOSTING), then
    the programme's own (its occupational health, its staff hub). The
    programme or its id (the room page has only the id to hand)."""
    entries = [dict(entry) for entry in settings.SIGNPOSTING]
    if programme is not None:
        own = Signpost.objects.filter(programme=programme)
        entries += [{"name": s.name, "detail": s.detail, "href": s.href} for s in own]
    return entries


def programme_count() -> int:
    return Programme.objects.count()


def programmes_to_browse(user: object) -> tuple[list[Programme], int]:
    """The programmes whose groups this person may browse, by name (signed-out
    visitors: those open to all NHS staff), and how many programmes the
    installation has: one query. The browse page names programmes and offers
    them as a filter only when there is more than one."""
    if getattr(user, "is_authenticated", False):
        open_to_them = Q(pk__in=eligible_programmes(user).values("pk"))
    else:
        open_to_them = Q(all_nhs_staff=True)
    every = list(Programme.objects.annotate(open=ExpressionWrapper(open_to_them, output_field=BooleanField()))
                 .only("code", "name").order_by("name", "pk"))
    return [p for p in every if p.open], len(every)


def signposts_of_eligible(user: object) -> list[tuple[Programme, list[Signpost]]]:
    """The "Need help now?" entries of every programme this person may join
    (or runs), by programme name, in each programme's order: one query.
    Nobody signed in: none (the national entries are everyone's)."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = (Signpost.objects.filter(programme__in=eligible_programmes(user).values("pk"))
               .select_related("programme").order_by("programme__name", "programme_id", "position", "pk"))
    grouped: dict[int, tuple[Programme, list[Signpost]]] = {}
    for entry in entries:
        grouped.setdefault(entry.programme_id, (entry.programme, []))[1].append(entry)
    return list(grouped.values())
