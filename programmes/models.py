"""Programmes: one organisation's peer-support offer (a national service, a
region, one trust's Schwartz Rounds). An installation hosts one or more;
every group belongs to one, and roles are held in a programme."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from core.codes import new_code

DOMAINS_MAX = 50
_DOMAIN = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def email_domains_validate(text: str) -> None:
    """Each entry a domain ("nuh.nhs.uk") or "*." and a domain with at least
    two labels ("*.nottingham.nhs.uk", never "*.uk"); at most DOMAINS_MAX."""
    domains = domains_parse(text)
    if len(domains) > DOMAINS_MAX:
        raise ValidationError(f"List at most {DOMAINS_MAX} email domains", code="too_many")
    bad = [d for d in domains if not _DOMAIN.fullmatch(d) or (d.startswith("*.") and d.count(".") < 2)]
    if bad:
        raise ValidationError(
            "Enter email domains like nuh.nhs.uk or *.nottingham.nhs.uk, separated by commas. Not a domain: "
            + ", ".join(bad[:5]), code="domain")


class Programme(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    name = models.CharField(max_length=120, unique=True)
    # Who may see and join its groups: every NHS member of staff (a national
    # programme), and/or people whose sign-in address is at one of these
    # domains ("*.x" is any subdomain of x), and/or people whose profile names
    # one of its listed organisations (Organisation). Its own people always may.
    all_nhs_staff = models.BooleanField(
        "open to all NHS staff", default=False,
        help_text="A national programme: everyone who can sign in may see and join its groups.")
    email_domains = models.CharField(
        max_length=1000, blank=True, validators=[email_domains_validate],
        help_text="Comma-separated, e.g. nuh.nhs.uk, *.nottingham.nhs.uk")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_url = models.URLField(max_length=300, blank=True)
    ground_rules_default = models.TextField(
        "default ground rules", max_length=6000, blank=True,
        help_text="Offered to facilitators of this programme's new groups.")
    # The installation's first programme: groups created without naming one
    # join it, so a single-programme installation never names programmes.
    is_default = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="programme_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.email_domains = ",".join(domains_parse(self.email_domains))
        super().save(*args, **kwargs)

    @property
    def domains(self) -> list[str]:
        return domains_parse(self.email_domains)


def domains_parse(text: str) -> list[str]:
    """"A.nhs.uk, *.b.nhs.uk;c.nhs.uk" -> ["a.nhs.uk", "*.b.nhs.uk", "c.nhs.uk"]."""
    parts = text.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
    seen: list[str] = []
    for part in parts:
        domain = part.strip().lower().lstrip("@")
        if domain and domain not in seen:
            seen.append(domain)
    return seen


def default_programme_pk() -> int:
    """The default programme's id, creating it when the installation has none
    yet (a fresh database, or a test database after a flush)."""
    programme = Programme.objects.filter(is_default=True).only("pk").first()
    if programme is None:
        programme, _ = Programme.objects.get_or_create(
            is_default=True, defaults={"name": settings.SERVICE_NAME, "all_nhs_staff": True})
    return programme.pk


def organisation_name_clean(name: str) -> str:
    """How an organisation's name is kept and compared: single spaces, no ends."""
    return " ".join(name.split())


ODS_CODE = re.compile(r"[A-Z0-9]{3,10}")


def ods_code_clean(code: str) -> str:
    """An NHS ODS code as kept: upper case ("rx1" -> "RX1")."""
    return code.strip().upper()


class Organisation(models.Model):
    """An organisation a programme is open to (a trust, a practice, an ICB),
    by name and NHS ODS code. A person whose profile's organisation is its
    name or its ODS code (either case) may see and join the programme's groups.
    Each programme keeps its own list, so no programme's edit changes another's."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="organisations")
    ods_code = models.CharField("ODS code", max_length=10)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "ods_code"], name="organisation_programme_ods_code"),
        ]
        indexes = [
            # eligibility: the programmes listing a person's organisation, by code or by name
            models.Index(fields=["ods_code"], name="organisation_ods_code"),
            models.Index(Upper("name"), name="organisation_name_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    def save(self, *args, **kwargs) -> None:
        self.ods_code = ods_code_clean(self.ods_code)
        self.name = organisation_name_clean(self.name)
        super().save(*args, **kwargs)


SIGNPOST_SCHEMES = ("https://", "http://", "tel:", "mailto:")


def signpost_href_validate(href: str) -> None:
    """A "Need help now?" link is a web page, a phone number or an email
    address: never javascript: or data: (it is rendered as a link)."""
    if href and not href.lower().startswith(SIGNPOST_SCHEMES):
        raise ValidationError("Enter a link starting with https://, tel: or mailto:", code="scheme")


SIGNPOSTS_MAX = 12  # a programme's own "Need help now?" entries


class Signpost(models.Model):
    """One of a programme's own "Need help now?" entries (its occupational
    health, its staff support hub), shown after the national ones on its
    groups' pages and in emails about them."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="signposts")
    name = models.CharField(max_length=120)
    detail = models.CharField(max_length=300)
    href = models.CharField("link", max_length=300, blank=True, validators=[signpost_href_validate],
                            help_text="https://…, tel:… or mailto:… (optional)")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class Role(models.TextChoices):
    ADMIN = "programme_admin", "Programme admin"
    FACILITATOR = "facilitator", "Facilitator"


class ProgrammeRole(models.Model):
    """A person's role in one programme. A facilitator may hold the role in
    several programmes; the global `accounts.facilitate_groups` and
    `accounts.manage_programme` permissions mean "somewhere"
    (programmes/backends.py)."""

    Role = Role

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "user", "role"], name="programmerole_unique"),
        ]
        indexes = [
            # a person's roles, read once per request by the backend
            models.Index(fields=["user", "role"], name="programmerole_user_role"),
        ]


INVITATION_DAYS = 14


def _invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """An emailed offer of a role in a programme. The link carries a random
    token; only its SHA-256 is stored. It is accepted once, before it expires,
    by someone signed in with that verified address."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # the programme's people page: invitations still open
            models.Index(fields=["programme", "accepted_at"], name="invitation_programme_open"),
        ]

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and self.expires_at > timezone.now()
