"""Six months of history for the demo groups (`manage.py seed_demo`), so
`make run` shows the reports with real shapes: sessions held, registers
taken, attendance and no-shows, people new and returning, waiting lists,
feedback and cancellations. Some groups are busier than others, the
programme grows month by month, and summer and Christmas dip.

Quick and idempotent: everything is bulk-inserted (no signals, so nobody is
emailed); a group's past sessions are made once, on the first run; every run
then fills in any demo session that has ended since with bookings of history
people, a register and feedback, so the history never has a gap. Sessions
follow each group's wall-clock schedule (`groups.scheduling.occurrences`),
so they keep their local time across the clock changes.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.choices import CareerStage, Profession, Region
from accounts.models import User
from groups.demo import COMMON_ROOM, LEAD
from groups.models import GroupSession, PeerGroup
from groups.scheduling import ScheduleSpec, occurrences
from reports.periods import LONDON
from signups.models import Booking, Feedback, SessionRegister

HISTORY = timedelta(days=183)
HISTORY_PEOPLE = 160
EMAIL = "history-{:03d}@demo.nhs.net"  # never signs in: no usable password, no verified address
FIRST_NAMES = ["Aisha", "Ben", "Carys", "Dev", "Ellie", "Femi", "Grace", "Hamza", "Isla", "Jack", "Kiran",
               "Leah", "Mo", "Niamh", "Olu", "Priti", "Quinn", "Rhys", "Sana", "Theo", "Uma", "Vik", "Wen",
               "Yusuf", "Zara", "Amir", "Bex", "Cal", "Dina", "Ewan", "Faye", "Gus"]
# Weights roughly like the NHS workforce that comes to peer support.
PROFESSIONS = [(Profession.NURSE, 30), (Profession.DOCTOR, 22), (Profession.MIDWIFE, 8), (Profession.AHP, 10),
               (Profession.PARAMEDIC, 5), (Profession.PHARMACIST, 4), (Profession.PSYCHOLOGICAL, 4),
               (Profession.SUPPORT, 8), (Profession.ADMIN, 6), (Profession.STUDENT, 3)]
STAGES = [(CareerStage.EARLY, 25), (CareerStage.ESTABLISHED, 35), (CareerStage.SENIOR, 15),
          (CareerStage.TRAINEE, 10), (CareerStage.FY1, 5), (CareerStage.FY2, 5), (CareerStage.STUDENT, 5)]
REGIONS = [(Region.LONDON, 22), (Region.MIDLANDS, 16), (Region.NORTH_WEST, 14), (Region.NORTH_EAST_YORKSHIRE, 12),
           (Region.SOUTH_EAST, 12), (Region.EAST_OF_ENGLAND, 9), (Region.SOUTH_WEST, 8), (Region.WALES, 4),
           (Region.SCOTLAND, 2), (Region.NORTHERN_IRELAND, 1)]
# Month -> how busy: leave in August, Christmas, the January return.
SEASON = {1: 0.85, 2: 1.0, 3: 1.0, 4: 0.9, 5: 1.0, 6: 1.0, 7: 0.9, 8: 0.6, 9: 1.05, 10: 1.1, 11: 1.05, 12: 0.7}
GROWTH = 0.05  # a month: word spreads


@dataclass(frozen=True)
class Shape:
    """How one demo group's past looked. `weeks_back`: where its past run of
    the schedule started (the same weekday and fortnight as today's rule);
    `count`: a course of that many sessions, None for ongoing."""

    title: str
    weeks_back: int
    booked: float  # places booked at a typical session
    pool: int  # how many different people come over six months
    professions: tuple[str, ...] = ()
    count: int | None = None
    no_show: float = 0.1
    feedback: float = 0.45
    # Weights of ratings 1..5. Peer support is rated kindly; rare low ratings
    # would be hidden (1 to 7) and hide the mean with them.
    ratings: tuple[int, ...] = (0, 0, 8, 20, 18)


SHAPES = [
    Shape(COMMON_ROOM, 26, booked=6, pool=70, no_show=0.18, feedback=0.3, ratings=(0, 0, 10, 18, 10)),
    Shape("Tuesday evening Balint group", 26, booked=8.5, pool=12, professions=(Profession.DOCTOR,), no_show=0.06),
    Shape("Reflective practice for nurses and midwives", 26, booked=9.5, pool=40,
          professions=(Profession.NURSE, Profession.MIDWIFE)),
    Shape("Monthly Schwartz Round", 26, booked=42, pool=140, no_show=0.2, feedback=0.5, ratings=(0, 0, 6, 20, 25)),
    Shape("Writing about work: narrative practice", 13, booked=10, pool=14, count=8, ratings=(0, 0, 4, 14, 12)),
    Shape("Monday group-analytic group", 26, booked=7, pool=10, no_show=0.08),
]
CANCELLED = 0.04  # of sessions; more in August (leave)
CANCEL_REASON = "The facilitator is on leave"
NOT_RECORDED = 0.06  # sessions whose register was never taken


def seed(people: dict[str, User]) -> None:
    now = timezone.now()
    with transaction.atomic():
        history = _history_people()
        lead = people.get(LEAD)
        for shape in SHAPES:
            group = PeerGroup.objects.filter(title=shape.title, status=PeerGroup.Status.PUBLISHED).first()
            if group is not None:
                _past_sessions(group, shape, now)
        _fill_ended_sessions(history, lead, now)


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _history_people() -> list[User]:
    """The people in the demo's past, made once (bulk: no password hashing)."""
    emails = [EMAIL.format(n) for n in range(HISTORY_PEOPLE)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    rng = random.Random(2026)
    unusable = make_password(None)
    joined = timezone.now() - HISTORY
    new = []
    for n, email in enumerate(emails):
        profession, stage, region = _weighted(rng, PROFESSIONS), _weighted(rng, STAGES), _weighted(rng, REGIONS)
        if email not in existing:
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {chr(65 + n // len(FIRST_NAMES))}"
            new.append(User(email=email, display_name=name, profession=profession, career_stage=stage,
                            region=region, password=unusable, onboarded_at=joined))
    User.objects.bulk_create(new)
    return list(User.objects.filter(email__in=emails).order_by("email"))


def _past_sessions(group: PeerGroup, shape: Shape, now: datetime) -> None:
    """The group's sessions over the past six months, once."""
    if group.sessions.filter(starts_at__lt=now).exists():
        return
    schedule = group.schedule
    spec = ScheduleSpec(schedule.frequency, schedule.first_date - timedelta(weeks=shape.weeks_back),
                        schedule.start_time, count=shape.count, timezone=schedule.timezone)
    length = timedelta(minutes=group.duration_minutes)
    rng = random.Random(f"{shape.title}-sessions")
    sessions = []
    for start in occurrences(spec, after=now - HISTORY, until=now - length):
        month = start.month
        cancelled = rng.random() < (CANCELLED * (3 if month == 8 else 1))
        sessions.append(GroupSession(
            group=group, occurrence=start, starts_at=start, ends_at=start + length,
            status=GroupSession.Status.CANCELLED if cancelled else GroupSession.Status.SCHEDULED,
            is_exception=cancelled, cancelled_reason=CANCEL_REASON if cancelled else ""))
    GroupSession.objects.bulk_create(sessions)


def _fill_ended_sessions(history: list[User], lead: User | None, now: datetime) -> None:
    """Bookings, a register and feedback for every ended demo session that has
    none from history people yet."""
    shapes = {shape.title: shape for shape in SHAPES}
    ended = list(
        GroupSession.objects.filter(group__title__in=shapes, status=GroupSession.Status.SCHEDULED, ends_at__lte=now)
        .exclude(Exists(Booking.objects.filter(session=OuterRef("pk"), user__in=history)))
        .exclude(Exists(SessionRegister.objects.filter(session=OuterRef("pk"))))  # the sweep took it
        .select_related("group").order_by("starts_at"))
    taken: dict[int, set[int]] = {}  # demo practitioners already booked
    for session_id, user_id in Booking.objects.filter(session__in=ended).values_list("session_id", "user_id"):
        taken.setdefault(session_id, set()).add(user_id)
    pools = {shape.title: _pool(shape, history) for shape in SHAPES}
    bookings, feedback, registers = [], [], []
    first = now - HISTORY
    for session in ended:
        shape = shapes[session.group.title]
        rng = random.Random(session.code)
        made, given = _session_bookings(session, shape, pools[shape.title], taken.get(session.pk, set()), rng, first)
        bookings += made
        feedback += [Feedback(session=session, helpfulness=score, given_on=(session.ends_at + timedelta(
            days=rng.randint(0, 3))).date()) for score in given]
        if rng.random() >= NOT_RECORDED:
            registers.append(SessionRegister(session=session, taken_by=lead,
                                             taken_at=session.ends_at + timedelta(minutes=10)))
        else:
            for booking in made:
                if booking.status == Booking.Status.CONFIRMED:
                    booking.attendance, booking.feedback_given = Booking.Attendance.UNKNOWN, False
    Booking.objects.bulk_create(bookings, batch_size=500)
    Feedback.objects.bulk_create(feedback, batch_size=500)
    SessionRegister.objects.bulk_create(registers, batch_size=500)


def _pool(shape: Shape, history: list[User]) -> list[User]:
    eligible = [p for p in history if not shape.professions or p.profession in shape.professions]
    random.Random(shape.title).shuffle(eligible)
    return eligible[:shape.pool]


def _session_bookings(session: GroupSession, shape: Shape, pool: list[User], taken: set[int], rng: random.Random,
                      first: datetime) -> tuple[list[Booking], list[int]]:
    """This session's places (and waiting list when demand passed capacity)
    and the ratings given. Regulars come most; newcomers join month by month."""
    months_in = max(0, (session.starts_at - first).days // 30)
    local_month = session.starts_at.astimezone(LONDON).month
    demand = shape.booked * SEASON[local_month] * (1 + GROWTH * months_in) * rng.uniform(0.75, 1.25)
    # The pool opens up over time, so some people are new each month.
    open_to = pool[:max(3, round(len(pool) * (0.55 + 0.45 * min(months_in, 5) / 5)))]
    # A weighted sample without replacement (Efraimidis-Spirakis): the first
    # of the pool are the regulars.
    keyed = sorted(((rng.random() ** (1 + i / 4), person) for i, person in enumerate(open_to)
                    if person.pk not in taken), key=lambda pair: pair[0], reverse=True)
    chosen = [person for _key, person in keyed[:max(1, round(demand))]]
    capacity = session.effective_capacity
    placed, waiting = chosen[:capacity], chosen[capacity:]
    queued = session.starts_at - timedelta(days=rng.randint(3, 14))
    bookings, ratings = [], []
    for person in placed:
        attended = rng.random() >= shape.no_show
        gives = attended and rng.random() < shape.feedback
        bookings.append(Booking(
            session=session, user=person, status=Booking.Status.CONFIRMED, queued_at=queued, confirmed_at=queued,
            attendance=Booking.Attendance.ATTENDED if attended else Booking.Attendance.NO_SHOW,
            joined_room_at=session.starts_at if attended else None, feedback_given=gives))
        if gives:
            ratings.append(rng.choices(range(1, 6), shape.ratings)[0])
    for person in waiting:
        bookings.append(Booking(session=session, user=person, status=Booking.Status.CANCELLED, queued_at=queued,
                                cancelled_at=session.starts_at))  # left the waiting list without a place
    return bookings, ratings
