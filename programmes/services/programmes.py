"""Creating programmes and changing them: their details, who may join, their
"Need help now?" entries. Installation admins create programmes (and invite
each one's first admin); a programme's admins edit it. Every change is in
the audit log, naming the programme or entry by its public code, never its
text. Who may call these is checked again here, not only in the views."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from accounts.models import User
from audit.services import audit_record
from programmes.access import is_admin_of, is_installation_admin
from programmes.models import (
    ODS_CODE,
    SIGNPOSTS_MAX,
    Organisation,
    Programme,
    Role,
    Signpost,
    email_domains_validate,
    ods_code_clean,
    organisation_name_clean,
)
from programmes.services.roles import invitation_send

ORGANISATIONS_MAX = 200  # listed by one programme
# What a programme's admins may change; "open to all NHS staff" makes a
# programme national, which only an installation admin decides.
ADMIN_FIELDS = ("name", "email_domains", "contact_email", "contact_phone", "contact_url", "ground_rules_default")
INSTALLATION_FIELDS = ("all_nhs_staff",)
NAME_TAKEN = "A programme with this name already exists. Choose another name"


def _name_check(name: str, programme: Programme | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the programme's name"})
    taken = Programme.objects.filter(name__iexact=name)
    if programme is not None:
        taken = taken.exclude(pk=programme.pk)
    if taken.exists():
        raise ValidationError({"name": NAME_TAKEN})
    return name


def _domains_check(text: str) -> None:
    try:
        email_domains_validate(text)
    except ValidationError as error:
        raise ValidationError({"email_domains": error.messages}) from error


def _organisations_set(programme: Programme, organisations: Sequence[tuple[str, str]]) -> None:
    """Make the programme's list exactly these (ODS code, name) pairs."""
    if len(organisations) > ORGANISATIONS_MAX:
        raise ValidationError({"organisations": f"List at most {ORGANISATIONS_MAX} organisations"})
    wanted = {ods_code_clean(code): organisation_name_clean(name) for code, name in organisations}
    if len(wanted) < len(organisations) or any(
            not ODS_CODE.fullmatch(code) or not 2 <= len(name) <= 120 for code, name in wanted.items()):
        raise ValidationError({"organisations": "List each organisation once, by its ODS code (3 to 10 letters "
                                                "and numbers) and its name (2 to 120 characters)"})
    programme.organisations.exclude(ods_code__in=wanted).delete()
    kept = {o.ods_code: o for o in programme.organisations.all()}
    for code, name in wanted.items():
        if code not in kept:
            Organisation.objects.create(programme=programme, ods_code=code, name=name)
        elif kept[code].name != name:
            kept[code].name = name
            kept[code].save(update_fields=["name"])


@transaction.atomic
def programme_create(*, name: str, first_admin_email: str, actor: User, all_nhs_staff: bool = False,
                     email_domains: str = "", organisations: Sequence[tuple[str, str]] = (),
                     request: HttpRequest | None = None) -> Programme:
    """A new programme, and an emailed invitation for its first admin (the
    programme has no admin until they accept it). Installation admins only."""
    if not is_installation_admin(actor):
        raise PermissionDenied("Only installation admins create programmes.")
    _domains_check(email_domains)
    programme = Programme.objects.create(name=_name_check(name), all_nhs_staff=all_nhs_staff,
                                         email_domains=email_domains)
    _organisations_set(programme, organisations)
    audit_record(actor=actor, action="programme.create", obj=programme, request=request)
    invitation_send(programme=programme, email=first_admin_email, role=Role.ADMIN, invited_by=actor,
                    request=request)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, changes: Mapping[str, Any], actor: User,
                     organisations: Sequence[tuple[str, str]] | None = None,
                     request: HttpRequest | None = None) -> Programme:
    """Change a programme's details and who may join it (`organisations`:
    the whole new list, or None to leave it). Its admins and installation
    admins only; "open to all NHS staff" is the installation admin's."""
    if not is_admin_of(actor, programme.pk):
        raise PermissionDenied("Only the programme's admins change it.")
    allowed = ADMIN_FIELDS + (INSTALLATION_FIELDS if is_installation_admin(actor) else ())
    if refused := set(changes) - set(allowed):
        raise PermissionDenied(f"Not yours to change: {', '.join(sorted(refused))}.")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if "name" in changes:
        changes = {**changes, "name": _name_check(changes["name"], programme)}
    if "email_domains" in changes:
        _domains_check(changes["email_domains"])
    for field, value in changes.items():
        setattr(programme, field, value)
    programme.save()
    if organisations is not None:
        _organisations_set(programme, organisations)
    audit_record(actor=actor, action="programme.update", obj=programme, request=request)
    return programme


# --- "Need help now?" entries ---------------------------------------------------


def _admin_check(actor: User, programme_id: int) -> None:
    if not is_admin_of(actor, programme_id):
        raise PermissionDenied("Only the programme's admins change its entries.")


def _fill(signpost: Signpost, name: str, detail: str, href: str) -> None:
    signpost.name, signpost.detail, signpost.href = name.strip(), detail.strip(), href.strip()
    signpost.full_clean(exclude=["programme", "position", "code"])


@transaction.atomic
def signpost_add(*, programme: Programme, name: str, detail: str, href: str = "", actor: User,
                 request: HttpRequest | None = None) -> Signpost:
    """A new entry, last in the programme's list (at most SIGNPOSTS_MAX)."""
    _admin_check(actor, programme.pk)
    # One addition at a time per programme, so the limit and positions hold.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    existing = programme.signposts.aggregate(n=Max("position"))
    if programme.signposts.count() >= SIGNPOSTS_MAX:
        raise ValidationError(f"A programme has at most {SIGNPOSTS_MAX} entries. Remove one before adding another.")
    signpost = Signpost(programme=programme, position=(existing["n"] or 0) + 1)
    _fill(signpost, name, detail, href)
    signpost.save()
    audit_record(actor=actor, action="programme.signpost.add", obj=signpost, request=request)
    return signpost


@transaction.atomic
def signpost_update(*, signpost: Signpost, name: str, detail: str, href: str = "", actor: User,
                    request: HttpRequest | None = None) -> Signpost:
    _admin_check(actor, signpost.programme_id)
    _fill(signpost, name, detail, href)
    signpost.save(update_fields=["name", "detail", "href"])
    audit_record(actor=actor, action="programme.signpost.change", obj=signpost, request=request)
    return signpost


@transaction.atomic
def signpost_remove(*, signpost: Signpost, actor: User, request: HttpRequest | None = None) -> None:
    _admin_check(actor, signpost.programme_id)
    audit_record(actor=actor, action="programme.signpost.remove", obj=signpost, request=request)
    signpost.delete()


MOVES = {"up": -1, "down": 1}


@transaction.atomic
def signpost_move(*, signpost: Signpost, direction: str, actor: User, request: HttpRequest | None = None) -> bool:
    """Move an entry one place up or down the list. False when it is already
    first (up) or last (down): nothing changes."""
    _admin_check(actor, signpost.programme_id)
    if direction not in MOVES:
        raise ValidationError("Choose up or down.")
    Programme.objects.select_for_update().filter(pk=signpost.programme_id).first()
    entries = list(Signpost.objects.filter(programme_id=signpost.programme_id))
    at = next(i for i, entry in enumerate(entries) if entry.pk == signpost.pk)
    to = at + MOVES[direction]
    if not 0 <= to < len(entries):
        return False
    entries[at], entries[to] = entries[to], entries[at]
    for position, entry in enumerate(entries, start=1):
        entry.position = position
    Signpost.objects.bulk_update(entries, ["position"])
    audit_record(actor=actor, action=f"programme.signpost.{direction}", obj=signpost, request=request)
    return True
