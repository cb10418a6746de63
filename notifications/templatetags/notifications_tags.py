from datetime import datetime

from django import template
from django.utils import timezone

from core import dates

register = template.Library()


@register.filter
def received(moment: datetime | None) -> str:
    """'Today at 12:45pm', 'Yesterday at 9am' or 'Tuesday 3 March 2026 at 9am'."""
    if moment is None:
        return ""
    days = (dates.local(timezone.now()).date() - dates.local(moment).date()).days
    when = {0: "Today", 1: "Yesterday"}.get(days) or dates.day(moment)
    return f"{when} at {dates.clock(moment)}"
