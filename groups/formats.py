"""Group formats and their defaults from practice (see shared/PRODUCT.md).

A facilitator may override capacity and length, but only within the bounds
given here; membership, rhythm, lobby and video defaults are starting points.
"""

from dataclasses import dataclass

from django.db import models


class Format(models.TextChoices):
    BALINT = "balint", "Balint group"
    REFLECTIVE = "reflective", "Reflective practice"
    SCHWARTZ = "schwartz", "Schwartz Round"
    COMMON_ROOM = "common_room", "Drop-in common room"
    NARRATIVE = "narrative", "Narrative-based practice"
    GROUP_ANALYTIC = "group_analytic", "Group-analytic group"
    WEBINAR = "webinar", "Webinar"


class Membership(models.TextChoices):
    OPEN = "open", "Open: book a place at each session"
    CLOSED = "closed", "Closed: apply to join a fixed group"


class Frequency(models.TextChoices):
    ONCE = "once", "One session only"
    WEEKDAYS = "weekdays", "Every weekday"
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly, on the same weekday (for example the 2nd Tuesday)"


@dataclass(frozen=True)
class FormatDefaults:
    membership: str
    capacity: int
    min_capacity: int
    max_capacity: int
    minutes: int
    min_minutes: int
    max_minutes: int
    frequency: str
    lobby: bool  # people wait to be admitted to the live room
    video: bool  # small groups meet with video; large ones use chat + link
    joining_conversation: bool  # closed groups that meet the leader first


DEFAULTS: dict[str, FormatDefaults] = {
    Format.BALINT: FormatDefaults(Membership.CLOSED, 10, 6, 12, 75, 60, 90,
                                  Frequency.FORTNIGHTLY, True, True, True),
    Format.REFLECTIVE: FormatDefaults(Membership.CLOSED, 8, 6, 10, 75, 60, 90,
                                      Frequency.FORTNIGHTLY, True, True, False),
    Format.SCHWARTZ: FormatDefaults(Membership.OPEN, 100, 10, 500, 60, 60, 75,
                                    Frequency.MONTHLY, False, False, False),
    Format.COMMON_ROOM: FormatDefaults(Membership.OPEN, 10, 2, 10, 60, 30, 60,
                                       Frequency.WEEKDAYS, False, True, False),
    Format.NARRATIVE: FormatDefaults(Membership.CLOSED, 9, 8, 10, 75, 60, 90,
                                     Frequency.WEEKLY, True, True, False),
    Format.GROUP_ANALYTIC: FormatDefaults(Membership.CLOSED, 9, 8, 10, 90, 60, 90,
                                          Frequency.WEEKLY, True, True, False),
    Format.WEBINAR: FormatDefaults(Membership.OPEN, 200, 10, 1000, 60, 30, 90,
                                   Frequency.ONCE, False, False, False),
}

# A starting point facilitators edit; every group has ground rules.
DEFAULT_GROUND_RULES = (
    "What is said in the group stays in the group. We do not share anything "
    "that could identify another member or a patient.\n"
    "We listen without judging and without trying to fix.\n"
    "We do not record sessions, take screenshots or let anyone else see or hear the session.\n"
    "We join from somewhere private where we cannot be overheard.\n"
    "If you are worried about your safety or someone else's, tell a facilitator."
)


def defaults_for(format_code: str) -> FormatDefaults:
    return DEFAULTS[Format(format_code)]


def capacity_error(format_code: str, capacity: int) -> str | None:
    """None when the capacity is within the format's bounds, else why not."""
    d = defaults_for(format_code)
    if d.min_capacity <= capacity <= d.max_capacity:
        return None
    return (f"Enter a number of places between {d.min_capacity} and {d.max_capacity} "
            f"(the range for {Format(format_code).label})")


def minutes_error(format_code: str, minutes: int) -> str | None:
    """None when a session length is within the format's bounds, else why not."""
    d = defaults_for(format_code)
    if d.min_minutes <= minutes <= d.max_minutes:
        return None
    return (f"Sessions must last between {d.min_minutes} and {d.max_minutes} minutes "
            f"(the range for {Format(format_code).label})")


def defaults_as_json() -> dict[str, dict]:
    """For the group form's small script that pre-fills fields."""
    return {
        code: {"membership": d.membership, "capacity": d.capacity, "minutes": d.minutes,
               "frequency": d.frequency}
        for code, d in DEFAULTS.items()
    }


def format_rows() -> list[dict]:
    """Each format's defaults and limits, for the table on the group form."""
    return [
        {"code": code, "label": Format(code).label, "d": d,
         "membership": "Closed" if d.membership == Membership.CLOSED else "Open",
         "frequency": Frequency(d.frequency).label.split(",")[0]}
        for code, d in DEFAULTS.items()
    ]
