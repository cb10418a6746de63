"""Small template helpers for group pages."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`bookings|get_item:session.pk`: a dict lookup by a variable key."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


def clock(moment: datetime) -> str:
    """12:45pm, 2pm, midday: the NHS.UK style for times."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


def day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


@register.filter
def when(starts_at: datetime | None, ends_at: datetime | None = None) -> str:
    """"Tuesday 3 March 2026, 12:45pm to 2pm" in UK time."""
    if starts_at is None:
        return ""
    start = timezone.localtime(starts_at)
    text = f"{day(start)}, {clock(start)}"
    if ends_at is None:
        return text
    end = timezone.localtime(ends_at)
    if end.date() != start.date():
        return f"{text} to {day(end)}, {clock(end)}"
    return f"{text} to {clock(end)}"


@register.filter
def elided_pages(paginator, number):
    """Page numbers with ellipses, short enough for a phone."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)


@register.filter
def audience(group) -> str:
    """Who a group is for, in words: "All staff" or the chosen professions and stages."""
    from accounts.choices import CareerStage, Profession

    labels = {**dict(Profession.choices), **dict(CareerStage.choices)}
    rows = sorted(group.eligibility.all(), key=lambda r: (r.kind != "profession", r.value))
    professions = [labels.get(r.value, r.value) for r in rows if r.kind == "profession"]
    stages = [labels.get(r.value, r.value) for r in rows if r.kind == "career_stage"]
    if not professions and not stages:
        return "All staff"
    parts = [", ".join(professions) if professions else "All professions"]
    if stages:
        parts.append(f"at these career stages: {', '.join(stages)}")
    return " ".join(parts)
