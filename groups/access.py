"""Who may see, manage and facilitate which group. Outsiders get 404, never
403, so a URL never confirms that a group exists.

Two kinds of access, deliberately different:
- **manage** (`can_manage_group`, `get_managed_*`): the group's own
  facilitators *and* programme admins. For the group itself: edit, publish,
  archive, schedule, move or cancel sessions, co-facilitators.
- **facilitate** (`facilitates`, `get_facilitated_*`): the group's own
  facilitators only. For anything that shows people: rosters, registers,
  applications, members' names, and the live room
  (`rooms.selectors.is_session_facilitator`). Programme admins run the
  programme but never see who booked, attended or applied (PRODUCT.md).

Both are per programme (programmes.access): admins of the group's
programme manage it; facilitators facilitate only while they hold the role
in its programme. Practitioners see published groups of the programmes
they are eligible for; a group of any other programme is a 404.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from core.codes import is_public_code
from groups.formats import Membership
from groups.models import GroupSession, PeerGroup
from programmes.access import (
    admin_programme_ids,
    eligible_programmes,
    facilitates_in,
    facilitator_programme_ids,
    is_admin_of,
    is_installation_admin,
)


def _check_code(code: str) -> None:
    # The URL converters refuse other shapes already; callers outside URLs may not.
    if not is_public_code(code):
        raise Http404("No such code")


def visible_groups(user) -> QuerySet[PeerGroup]:
    """Published groups of the programmes this person is eligible for;
    facilitators also see their own drafts and archived groups (in the
    programmes they facilitate in); programme admins see every group of
    their programmes; installation admins every group. Visitors who are not
    signed in browse the published open groups of programmes open to all NHS
    staff (a programme limited to some organisations shows itself only to
    their staff, once signed in)."""
    groups = PeerGroup.objects.all()
    if not user.is_authenticated:
        return groups.filter(status=PeerGroup.Status.PUBLISHED, membership=Membership.OPEN,
                             programme__all_nhs_staff=True)
    if is_installation_admin(user):
        return groups
    visible = Q(status=PeerGroup.Status.PUBLISHED, programme__in=eligible_programmes(user).values("pk"))
    if administered := admin_programme_ids(user):
        visible |= Q(programme__in=administered)
    if facilitated := facilitator_programme_ids(user):
        visible |= Q(facilitation__user=user, programme__in=facilitated)
        return groups.filter(visible).distinct()
    return groups.filter(visible)


def can_manage_group(user, group: PeerGroup) -> bool:
    if not user.is_authenticated:
        return False
    return is_admin_of(user, group.programme_id) or facilitates(user, group)


def get_group_for_user(user, code: str) -> tuple[PeerGroup, bool]:
    """The group and whether this person may manage it, or 404."""
    _check_code(code)
    group = visible_groups(user).filter(code=code).first()
    if group is None:
        raise Http404("No group found")
    return group, can_manage_group(user, group)


def get_managed_group(user, code: str) -> PeerGroup:
    """A group this person may manage, or 404 (even if they can see it)."""
    group, can_manage = get_group_for_user(user, code)
    if not can_manage:
        raise Http404("No group found")
    return group


def visible_sessions(user) -> QuerySet[GroupSession]:
    """Sessions of the groups this person may see, each with its group."""
    return GroupSession.objects.select_related("group").filter(group__in=visible_groups(user))


def get_visible_session(user, code: str, **annotations: Any) -> GroupSession:
    """The session, or 404. `annotations`: what the caller reads about it in
    the same query (sign-ups' booking checks)."""
    _check_code(code)
    # Codes are unique: the first row without `first()`'s ordering, which a
    # booking would pay for in compiling (bench S1).
    session = next(iter(visible_sessions(user).filter(code=code).annotate(**annotations)[:1]), None)
    if session is None:
        raise Http404("No session found")
    return session


def get_session_for_user(user, code: str) -> tuple[GroupSession, bool]:
    """The session and whether this person may manage its group, or 404."""
    session = get_visible_session(user, code)
    return session, can_manage_group(user, session.group)


def get_managed_session(user, code: str) -> GroupSession:
    """A session of a group this person may manage, or 404."""
    session, can_manage = get_session_for_user(user, code)
    if not can_manage:
        raise Http404("No session found")
    return session


def facilitates(user, group: PeerGroup) -> bool:
    """Runs this group. Programme admins manage every group but never see who
    booked, attended or applied, nor what anyone wrote (PRODUCT.md)."""
    return (user.is_authenticated and facilitates_in(user, group.programme_id)
            and group.facilitation_set.filter(user=user).exists())


def get_facilitated_group(user, code: str) -> PeerGroup:
    """A group this person facilitates, or 404: for pages that show people."""
    group, _ = get_group_for_user(user, code)
    if not facilitates(user, group):
        raise Http404("No group found")
    return group


def get_facilitated_session(user, code: str) -> GroupSession:
    session, _ = get_session_for_user(user, code)
    if not facilitates(user, session.group):
        raise Http404("No session found")
    return session
