"""Reads: everything held about a person, and what stops their erasure."""

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import User
from groups.models import Facilitation, PeerGroup
from privacy import export
from privacy.policy import POLICY, linked_rows, user_foreign_keys

PROFILE_FIELDS = ("email", "display_name", "profession", "career_stage", "region", "organisation")
NOT_INCLUDED = [
    "Feedback you gave after sessions: it is stored without any link to you, by design, so it cannot be "
    "found or included here (and cannot be traced back to you by anyone else either).",
    "Anything said in a session or its live chat: it is never stored.",
    "Secrets that protect your account: your password (kept only as a one-way hash), your two-factor "
    "authentication secrets and recovery codes, your calendar feed's private address and your "
    "sign-in session keys.",
]
ACTIVE_GROUP_STATUSES = (PeerGroup.Status.DRAFT, PeerGroup.Status.PUBLISHED)


def _profile(user: User) -> dict[str, Any]:
    profile = {name: getattr(user, name) for name in PROFILE_FIELDS}
    profile |= {
        f"{name}_label": getattr(user, f"get_{name}_display")() for name in ("profession", "career_stage", "region")
    }
    return profile | {
        "account_created_at": user.date_joined,
        "profile_completed_at": user.onboarded_at,
        "last_signed_in_at": user.last_login,
        "active": user.is_active,
        "site_administrator": user.is_superuser,
    }


def personal_data_export(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about `user`, section by section (see privacy.policy),
    as plain JSON-ready values. Rows of a kind with no rule yet are included
    under "other" with every field that does not look like a secret."""
    data: dict[str, Any] = {
        "about_this_file": {
            "service": settings.SERVICE_NAME,
            "created_at": now or timezone.now(),
            "what_it_is": "Everything this service holds about you, as of the time above.",
            "times": "Times are UK time (Europe/London), with their offset from UTC.",
            "not_included": NOT_INCLUDED,
        },
        "profile": _profile(user),
    }
    other: dict[str, Any] = {}
    for key, field in user_foreign_keys():
        rows = linked_rows(field, user)
        rule = POLICY.get(key)
        if rule is None:
            other[key] = export.generic(rows)
        elif rule.serialise is None:
            data[rule.section] = export.generic(rows)
        else:
            data[rule.section] = rule.serialise(rows)
    data["other"] = other
    return cast(dict[str, Any], export.plain(data))


def sole_facilitated_groups(*, user: User) -> QuerySet[PeerGroup]:
    """Draft or published groups this person alone facilitates: a group must
    not be left without anyone to run it, so erasure waits for a hand-over."""
    theirs = Facilitation.objects.filter(user=user).values("group_id")
    # Counted over all of each group's facilitations, not only this person's.
    return (
        PeerGroup.objects.filter(pk__in=theirs, status__in=ACTIVE_GROUP_STATUSES)
        .annotate(facilitator_count=Count("facilitation"))
        .filter(facilitator_count=1)
        .order_by("title")
    )
