"""Demo bookings for `make run` (called by `manage.py seed_demo` after the
groups' demo data). Idempotent, and does nothing when there are no groups."""

from django.utils import timezone

from groups.eligibility import eligibility_refusal
from groups.formats import Format
from groups.models import GroupSession, PeerGroup
from signups.errors import SignupRefused
from signups.models import Membership
from signups.services import booking_create, ground_rules_accept, membership_apply, membership_decide

PRACTITIONERS = ["nurse@demo.nhs.net", "fy1@demo.nhs.net", "midwife@demo.nhs.net",
                 "paramedic@demo.nhs.net", "pharmacist@demo.nhs.net"]
SMALL_DEMO_SESSION = 2  # one demo session is kept this small so its waiting list shows


def seed(people: dict) -> None:
    users = [people[email] for email in PRACTITIONERS if email in people]
    if len(users) < 3:
        return
    _seed_open_groups(users)
    balint = PeerGroup.objects.filter(format=Format.BALINT, status=PeerGroup.Status.PUBLISHED).first()
    if balint is not None:
        eligible = [u for u in users if eligibility_refusal(balint, u) is None]
        if eligible:
            _seed_closed_group(balint, member=eligible[0], applicant=eligible[1] if len(eligible) > 1 else None)


def _upcoming_open_sessions() -> list[GroupSession]:
    return list(
        GroupSession.objects.filter(
            group__status=PeerGroup.Status.PUBLISHED, group__membership="open",
            status=GroupSession.Status.SCHEDULED, starts_at__gt=timezone.now(),
        ).exclude(group__format=Format.COMMON_ROOM).select_related("group").order_by("starts_at")[:3]
    )


def _try_book(session: GroupSession, user, *, join_waitlist: bool = False) -> None:
    rules = session.group.current_ground_rules
    if rules is not None:
        ground_rules_accept(user=user, ground_rules=rules)
    try:
        booking_create(session=session, user=user, join_waitlist=join_waitlist)
    except SignupRefused:
        pass  # e.g. a demo group for another profession: leave it


def _seed_open_groups(users: list) -> None:
    sessions = _upcoming_open_sessions()
    if not sessions:
        return
    for session in sessions[:2]:
        _try_book(session, users[0])
        _try_book(session, users[2])
    small = sessions[-1]
    if small.capacity is None and len(sessions) == 3:
        GroupSession.objects.filter(pk=small.pk).update(capacity=SMALL_DEMO_SESSION)
        small.capacity = SMALL_DEMO_SESSION
    for user in users[2:]:
        _try_book(small, user, join_waitlist=True)


def _seed_closed_group(group: PeerGroup, *, member, applicant=None) -> None:
    rules = group.current_ground_rules
    applications = [(member, "I would like a regular space to reflect on cases.")]
    if applicant is not None:
        applications.append((applicant, "I am new to Balint groups and would like to try one."))
    for user, note in applications:
        if rules is not None:
            ground_rules_accept(user=user, ground_rules=rules)
        try:
            membership_apply(group=group, user=user, note=note)
        except SignupRefused:
            continue
    membership = Membership.objects.filter(group=group, user=member, status=Membership.Status.APPLIED).first()
    if membership is not None:
        try:
            membership_decide(membership=membership, decision="accept", response="Welcome to the group.")
        except SignupRefused:
            pass
