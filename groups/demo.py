"""Demo groups for `manage.py seed_demo`: one of every format, published with
sessions, plus a draft. Idempotent: a group is looked up by its title, and
running again only tops up sessions (and the common room's session "now")."""

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.formats import DEFAULT_GROUND_RULES, Frequency, defaults_for
from groups.models import GroupSession, PeerGroup
from groups.recurrence import ScheduleSpec
from groups.services import (
    GroupDetails,
    facilitator_add,
    group_create,
    group_publish,
    session_add,
    sessions_materialise,
)
from programmes.models import Programme, default_programme_pk

LEAD, CO = "facilitator@demo.nhs.net", "cofacilitator@demo.nhs.net"
COMMON_ROOM = "Lunchtime common room"


def _next(weekday: int) -> date:
    """The next date with this weekday (0 Monday), at least tomorrow."""
    day = timezone.localdate() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# title, format, description, schedule, extra values, professions, career stages, co-facilitated, publish
GROUPS = [
    (COMMON_ROOM, "common_room",
     "Drop in for half an hour or the whole hour. No agenda and no need to book ahead: "
     "bring a sandwich and talk with colleagues who understand. Two hosts are always there.",
     lambda: ScheduleSpec(Frequency.WEEKDAYS, _next(0), time(12, 30)), {}, [], [], True, True),
    ("Tuesday evening Balint group", "balint",
     "A closed group of 8 to 10 doctors who meet every fortnight to talk about the relationships "
     "with patients that stay with us. You meet the leaders before joining.",
     lambda: ScheduleSpec(Frequency.FORTNIGHTLY, _next(1), time(19, 0), count=10),
     {"capacity": 10}, ["doctor"], [], True, True),
    ("Reflective practice for nurses and midwives", "reflective",
     "A fortnightly space to step back from the ward and think about what the work asks of us.",
     lambda: ScheduleSpec(Frequency.FORTNIGHTLY, _next(2), time(13, 0)),
     {"membership": "open", "delivery": "in_person",
      "venue": "Education Centre, Room 3, St Elsewhere Hospital"}, ["nurse", "midwife"], [], False, True),
    ("Monthly Schwartz Round", "schwartz",
     "Open to all staff, clinical and non-clinical. A panel shares a story from work; then we all reflect.",
     lambda: ScheduleSpec(Frequency.MONTHLY, _next(3), time(12, 30)),
     {"delivery": "external", "external_url": "https://teams.microsoft.com/l/meetup-join/demo-schwartz-round"},
     [], [], True, True),
    ("Writing about work: narrative practice", "narrative",
     "Eight weekly sessions of reading and short writing exercises about the stories of our working lives.",
     lambda: ScheduleSpec(Frequency.WEEKLY, _next(3), time(18, 0), count=8), {}, [], [], False, True),
    ("Monday group-analytic group", "group_analytic",
     "An ongoing closed group that uses the group itself to understand how we relate at work.",
     lambda: ScheduleSpec(Frequency.WEEKLY, _next(0), time(17, 30)), {}, [], [], False, True),
    ("Webinar: looking after yourself on night shifts", "webinar",
     "A one-hour talk with time for anonymous questions.",
     lambda: ScheduleSpec(Frequency.ONCE, _next(4), time(12, 0)), {}, [], [], False, True),
    ("Foundation doctors' support group", "reflective",
     "Planned for the new intake of foundation doctors. Not yet published.",
     lambda: ScheduleSpec(Frequency.FORTNIGHTLY, _next(2), time(17, 0), count=6),
     {}, ["doctor"], ["fy1", "fy2"], False, False),
]


def _details(title: str, format_code: str, description: str, extra: dict, professions, stages) -> GroupDetails:
    d = defaults_for(format_code)
    values = {"title": title, "format": format_code, "description": description, "membership": d.membership,
              "intake_open": True, "capacity": d.capacity, "duration_minutes": d.minutes, "delivery": "online",
              "external_url": "", "venue": "", **extra}
    return GroupDetails(values=values, ground_rules=DEFAULT_GROUND_RULES, professions=professions,
                        career_stages=stages)


def _session_now(group: PeerGroup) -> None:
    """So a person can try the live room: a session starting within the hour."""
    now = timezone.now()
    if group.sessions.filter(starts_at__lte=now + timedelta(hours=1), ends_at__gt=now,
                             status=GroupSession.Status.SCHEDULED).exists():
        return
    starts = now.replace(second=0, microsecond=0) + timedelta(minutes=15)
    session_add(group=group, starts_at=starts, ends_at=starts + timedelta(minutes=60))


# The second demo programme's group (programmes.demo makes the programme;
# Ruth facilitates in both).
TRUST_GROUPS = [
    ("St Elsewhere Schwartz Round", "schwartz",
     "Our trust's monthly Round, open to everyone who works at St Elsewhere. A panel shares stories "
     "from work; then we all reflect together.",
     lambda: ScheduleSpec(Frequency.MONTHLY, _next(1), time(12, 30)), {}, [], [], False, True),
]
TRUST = "St Elsewhere Hospitals Schwartz Rounds"


@transaction.atomic
def seed(people: dict[str, User]) -> None:
    lead, co = people[LEAD], people[CO]
    default = Programme.objects.get(pk=default_programme_pk())
    trust = Programme.objects.filter(name=TRUST).first()
    groups = [(default, *row) for row in GROUPS] + ([(trust, *row) for row in TRUST_GROUPS] if trust else [])
    for programme, title, format_code, description, schedule, extra, professions, stages, shared, publish in groups:
        group = PeerGroup.objects.filter(title=title).first()
        if group is None:
            group = group_create(facilitator=lead, schedule=schedule(), programme=programme,
                                 details=_details(title, format_code, description, extra, professions, stages))
            if shared:
                facilitator_add(group=group, email=co.email)
            if publish:
                group_publish(group=group)
        elif group.status == PeerGroup.Status.PUBLISHED:
            sessions_materialise(group=group)
        if title == COMMON_ROOM:
            _session_now(group)
