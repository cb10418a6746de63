"""Template helpers for sign-ups' pages and includes."""

from django import template
from django.utils import timezone

from signups.selectors import places_left as _places_left
from signups.selectors import waitlist_position as _waitlist_position
from signups.services.rules import booking_window_open, is_drop_in

register = template.Library()


@register.simple_tag
def places_left(session) -> int:
    """Uses the `places_left` annotation when the page made one."""
    return _places_left(session)


@register.simple_tag
def waitlist_position(booking) -> int | None:
    return getattr(booking, "position", None) or _waitlist_position(booking)


@register.filter
def drop_in(group) -> bool:
    return is_drop_in(group)


@register.filter
def open_for_booking(session) -> bool:
    return not session.is_cancelled and booking_window_open(session, timezone.now())
