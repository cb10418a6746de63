"""Who may do what in which programme, for the fetch-and-authorise helpers
of every app above (groups.access, reports, the programme pages).

- A programme's **admins** manage its groups, its people and its reports.
- Its **facilitators** create groups in it and run the ones they facilitate.
- **Superusers** (the installation admins, with two-factor authentication)
  act as admins of every programme.
- Practitioners see the published groups of the programmes they are
  **eligible** for: national ones ("all NHS staff"), those whose email
  domains include their sign-in address's, and those listing the
  organisation their profile names (by name or ODS code); a programme's own
  people always.

Anything of another programme is a 404, never a 403.
"""

from django.db.models import CharField, F, Func, Q, QuerySet
from django.http import Http404

from core.codes import is_public_code
from programmes.backends import programme_ids_of
from programmes.models import Organisation, Programme, Role, ods_code_clean, organisation_name_clean


def admin_programme_ids(user) -> frozenset[int]:
    return programme_ids_of(user, Role.ADMIN)


def facilitator_programme_ids(user) -> frozenset[int]:
    return programme_ids_of(user, Role.FACILITATOR)


def is_installation_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def is_admin_of(user, programme_id: int) -> bool:
    return is_installation_admin(user) or programme_id in admin_programme_ids(user)


def facilitates_in(user, programme_id: int) -> bool:
    return programme_id in facilitator_programme_ids(user)


def _domain_candidates(email: str) -> list[str]:
    """How a programme may name this address's domain: exactly, or as "*.x"
    for every parent x ("a.b.nhs.uk": a.b.nhs.uk, *.b.nhs.uk, *.nhs.uk, *.uk)."""
    domain = email.rsplit("@", 1)[-1].lower()
    labels = domain.split(".")
    return [domain] + ["*." + ".".join(labels[i:]) for i in range(1, len(labels))]


# ",a.nhs.uk,*.trust.nhs.uk,": a LIKE then matches one whole listed domain.
# `email_domains` is never null. A template, not Concat, whose wrapping of
# every part in COALESCE cost each booking ~1 ms to compile (bench S1).
_LISTED = Func(F("email_domains"), template="(',' || %(expressions)s || ',')", output_field=CharField())


def eligible_programmes(user) -> QuerySet[Programme]:
    """The programmes whose published groups this person may see and join.
    A queryset (used as a subquery, so browsing costs no extra query)."""
    if is_installation_admin(user):
        return Programme.objects.all()
    if not user.is_authenticated:
        return Programme.objects.none()
    eligible = Q(all_nhs_staff=True)
    for candidate in _domain_candidates(user.email or ""):
        eligible |= Q(listed__contains=f",{candidate},")
    if organisation := organisation_name_clean(getattr(user, "organisation", "") or ""):
        eligible |= Q(pk__in=_listing(organisation))
    own = admin_programme_ids(user) | facilitator_programme_ids(user)
    if own:
        eligible |= Q(pk__in=own)
    return Programme.objects.annotate(listed=_LISTED).filter(eligible)


def _listing(organisation: str) -> QuerySet[Organisation]:
    """The programmes (ids, as a subquery) that list this organisation, named
    by its ODS code or by its name, in any case."""
    named = Q(name__iexact=organisation)
    if len(organisation) <= 10:
        named |= Q(ods_code=ods_code_clean(organisation))
    return Organisation.objects.filter(named).values("programme_id")


def is_eligible(user, programme: Programme) -> bool:
    return eligible_programmes(user).filter(pk=programme.pk).exists()


def administered_programmes(user) -> QuerySet[Programme]:
    """The programmes this person runs (every one for an installation admin), by name."""
    if is_installation_admin(user):
        return Programme.objects.order_by("name")
    return Programme.objects.filter(pk__in=admin_programme_ids(user)).order_by("name")


def is_admin_of_several(user) -> bool:
    """Runs more than one programme (the group move is offered to them)."""
    return is_installation_admin(user) or len(admin_programme_ids(user)) > 1


def get_administered_programme(user, code: str) -> Programme:
    """A programme this person runs, or 404."""
    if not is_public_code(code):
        raise Http404("No programme found")
    programme = administered_programmes(user).filter(code=code).first()
    if programme is None:
        raise Http404("No programme found")
    return programme


def facilitated_programmes(user) -> QuerySet[Programme]:
    """The programmes this person may create groups in, by name."""
    return Programme.objects.filter(pk__in=facilitator_programme_ids(user)).order_by("name")


def is_single_programme() -> bool:
    """An installation with one programme never names it (no picker, no labels)."""
    return Programme.objects.count() <= 1
