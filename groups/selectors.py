"""Reads of groups alone. Reads that count or list people's places and
memberships (browse with places left, rosters, members) live in
`signups.selectors`, the app that owns those rows."""

from django.db.models import QuerySet

from groups.models import Facilitation, PeerGroup


def facilitators_of(group: PeerGroup) -> QuerySet[Facilitation]:
    return group.facilitation_set.select_related("user").order_by("added_at", "pk")
