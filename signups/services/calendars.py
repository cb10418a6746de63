"""Private calendar subscription feeds."""

import secrets

from django.db import transaction

from accounts.models import User
from signups.models import CalendarFeed


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Create the person's feed, or replace its token (the old URL stops working)."""
    feed, _ = CalendarFeed.objects.update_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
