"""One small programme for the authorization matrix: the world's groups and
sessions, run by `facilitator`, and a second group run by `other_facilitator`
whose objects are "someone else's" for the IDOR checks.

Everything is built from the apps' own test factories so the matrix meets the
same rows the apps' tests do.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory, ProgrammeAdminFactory, UserFactory
from groups.models import Facilitation, GroupSession, PeerGroup
from groups.tests.factories import GroundRulesFactory, GroupSessionFactory, PeerGroupFactory
from notifications.tests.factories import NotificationFactory
from programmes.models import Invitation, Programme, ProgrammeRole, Signpost, default_programme_pk
from programmes.services import token_hash
from rooms.models import Room
from signups.models import Membership
from signups.services import calendar_feed_renew
from signups.tests.factories import BookingFactory, ClosedGroupFactory, MembershipFactory

# The roles, in the policy table's column order. "anonymous" has no user.
ROLES = ("anonymous", "practitioner", "member", "other_member", "facilitator", "other_facilitator", "admin")


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no "anonymous")
    objects: dict = field(default_factory=dict)  # name -> model instance


def _past_session(group: PeerGroup) -> GroupSession:
    starts = timezone.now().replace(microsecond=0) - timedelta(days=2)
    return GroupSessionFactory(group=group, starts_at=starts, ends_at=starts + timedelta(minutes=75))


def build_world() -> World:
    users = {
        "practitioner": UserFactory(display_name="Unrelated Practitioner"),
        "member": UserFactory(display_name="World Member"),
        "other_member": UserFactory(display_name="Other Member"),
        "facilitator": FacilitatorFactory(display_name="World Facilitator"),
        "other_facilitator": FacilitatorFactory(display_name="Other Facilitator"),
        "admin": ProgrammeAdminFactory(display_name="Programme Admin"),
    }
    member, other_member = users["member"], users["other_member"]
    facilitator, other_facilitator = users["facilitator"], users["other_facilitator"]
    co_facilitator = FacilitatorFactory(display_name="Co Facilitator")
    applicant = UserFactory(display_name="Closed Applicant")

    open_group = PeerGroupFactory(title="Open world group", facilitators=[facilitator, co_facilitator])
    GroundRulesFactory(group=open_group)
    closed_group = ClosedGroupFactory(title="Closed world group", facilitators=[facilitator])
    draft_group = PeerGroupFactory(status=PeerGroup.Status.DRAFT, facilitators=[facilitator])
    archived_group = PeerGroupFactory(status=PeerGroup.Status.ARCHIVED, facilitators=[facilitator])
    other_group = ClosedGroupFactory(title="Other closed group", facilitators=[other_facilitator])

    open_session = GroupSessionFactory(group=open_group)
    past_session = _past_session(open_group)
    other_session = GroupSessionFactory(group=other_group)
    other_past_session = _past_session(other_group)
    booking = BookingFactory(session=open_session, user=member)
    BookingFactory(session=past_session, user=member)
    other_booking = BookingFactory(session=other_session, user=other_member)
    BookingFactory(session=other_past_session, user=other_member)

    MembershipFactory(group=closed_group, user=member, status=Membership.Status.ACCEPTED, decided_at=timezone.now())
    MembershipFactory(group=other_group, user=other_member, status=Membership.Status.ACCEPTED,
                      decided_at=timezone.now())
    objects = {
        "open_group": open_group,
        "closed_group": closed_group,
        "draft_group": draft_group,
        "archived_group": archived_group,
        "other_group": other_group,
        "open_session": open_session,
        "past_session": past_session,
        "closed_session": GroupSessionFactory(group=closed_group),
        "draft_session": GroupSessionFactory(group=draft_group),
        "other_session": other_session,
        "other_past_session": other_past_session,
        "application": MembershipFactory(group=closed_group, user=applicant),
        "other_application": MembershipFactory(group=other_group, user=UserFactory()),
        "co_facilitation": Facilitation.objects.get(group=open_group, user=co_facilitator),
        "other_facilitation": Facilitation.objects.get(group=other_group, user=other_facilitator),
        "notification": NotificationFactory(booking=booking, shown_at=timezone.now()),
        "other_notification": NotificationFactory(booking=other_booking, shown_at=timezone.now()),
        "feed": calendar_feed_renew(user=member),
        "other_feed": calendar_feed_renew(user=other_member),
        "room": Room.objects.create(session=open_session, lobby_enabled=False),
        **_programme_objects(users, co_facilitator),
    }
    return World(users=users, objects=objects)


INVITATION_TOKEN = "world-invitation-token-0123456789abcdefghijkl"


def _programme_objects(users: dict, co_facilitator) -> dict:
    """The world's programme (the default one), a role in it, and an open
    invitation for the unrelated practitioner (their link's token is known)."""
    programme = Programme.objects.get(pk=default_programme_pk())
    return {
        "programme": programme,
        "co_facilitator_role": ProgrammeRole.objects.get(programme=programme, user=co_facilitator),
        "invitation": Invitation.objects.create(programme=programme, email=users["practitioner"].email,
                                                role="facilitator", token_hash=token_hash(INVITATION_TOKEN),
                                                invited_by=users["admin"]),
        "signpost": Signpost.objects.create(programme=programme, name="World occupational health",
                                            detail="Call 0115 496 0999", href="tel:01154960999"),
    }


def _code(name: str, kwarg: str = "code"):
    return lambda w: {kwarg: w.objects[name].code}


# A row's target names the objects its URL's kwargs point at. "-" is no kwargs.
TARGETS = {
    "-": lambda w: {},
    # No NHS sign-in provider is configured in the tests' settings.
    "oidc-provider": lambda w: {"provider_id": "nhsmail"},
    "open": _code("open_group"),
    "closed": _code("closed_group"),
    "draft": _code("draft_group"),
    "archived": _code("archived_group"),
    "other": _code("other_group"),
    "open-session": _code("open_session"),
    "past-session": _code("past_session"),
    "closed-session": _code("closed_session"),
    "draft-session": _code("draft_session"),
    "other-session": _code("other_session"),
    "other-past-session": _code("other_past_session"),
    "application": lambda w: {"code": w.objects["closed_group"].code,
                              "membership_code": w.objects["application"].code},
    # Our group's URL with another group's application: the pair must match.
    "other-application": lambda w: {"code": w.objects["closed_group"].code,
                                    "membership_code": w.objects["other_application"].code},
    "co-facilitation": lambda w: {"code": w.objects["open_group"].code,
                                  "facilitation_code": w.objects["co_facilitation"].code},
    "other-facilitation": lambda w: {"code": w.objects["open_group"].code,
                                     "facilitation_code": w.objects["other_facilitation"].code},
    "notification": _code("notification"),
    "other-notification": _code("other_notification"),
    "programme": _code("programme"),
    "programme-role": lambda w: {"code": w.objects["programme"].code,
                                 "role_code": w.objects["co_facilitator_role"].code},
    "programme-invitation": lambda w: {"code": w.objects["programme"].code,
                                       "invitation_code": w.objects["invitation"].code},
    "invitation-link": lambda w: {"token": INVITATION_TOKEN},
    "signpost": lambda w: {"code": w.objects["programme"].code, "signpost_code": w.objects["signpost"].code},
    "feed": lambda w: {"token": w.objects["feed"].token},
    "other-feed": lambda w: {"token": w.objects["other_feed"].token},
}
