"""Small template helpers for group pages."""

from datetime import datetime

from django import template

from accounts.selectors import public_name
from core import dates
from groups import eligibility

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`bookings|get_item:session.pk`: a dict lookup by a variable key."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


@register.filter
def when(starts_at: datetime | None, ends_at: datetime | None = None) -> str:
    """"Tuesday 3 March 2026, 12:45pm to 2pm" in UK time."""
    return "" if starts_at is None else dates.span(starts_at, ends_at)


@register.filter
def elided_pages(paginator, number):
    """Page numbers with ellipses, short enough for a phone."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)


@register.filter
def audience(group) -> str:
    """Who a group is for, in words: "All staff", "Doctors and nurses"."""
    return eligibility.audience(group)


@register.filter(name="public_name")
def public_name_filter(user) -> str:
    """`{{ membership.user|public_name }}`: "Sam (K7QD)", as in the room and roster."""
    return public_name(user)
