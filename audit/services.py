"""The audit log: who accessed personal data or changed things in the admin,
what (by type and public code) and when. Never content."""

from datetime import datetime

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from accounts.roles import is_facilitator, is_programme_admin
from audit.models import AuditEvent

# Who did it: a person, or no one (the system).
Actor = User | AnonymousUser | None

ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}
CODE_LENGTH = AuditEvent._meta.get_field("object_code").max_length


def actor_role(user: Actor) -> str:
    """The most powerful role the person holds now (roles change later)."""
    if user is None or not user.is_authenticated:
        return "system"
    if user.is_superuser:
        return "superuser"
    if is_programme_admin(user):
        return "programme_admin"
    if is_facilitator(user):
        return "facilitator"
    if user.is_staff:
        return "staff"
    return "practitioner"


def describe(obj: models.Model) -> tuple[str, str]:
    """("app_label.model", public code), or the primary key for a model with no code."""
    code = getattr(obj, "code", None) or obj.pk
    return obj._meta.label_lower, str(code)[:CODE_LENGTH]


def ip_hash(request: HttpRequest | None) -> str:
    """A keyed hash of the client's address: events from one place can be
    matched without keeping the address itself."""
    if request is None:
        return ""
    from allauth.account.adapter import get_adapter

    try:
        ip = get_adapter().get_client_ip(request)
    except PermissionDenied:  # allauth could not tell the address
        return ""
    # The key keeps its first name and SHA-1 stays explicit (Django 2028 changes
    # the default), so hashes stay comparable with earlier events.
    return salted_hmac("privacy.audit.ip", ip, algorithm="sha1").hexdigest()[:32]


@transaction.atomic
def audit_record(
    *, actor: Actor, action: str, obj: models.Model | None = None, request: HttpRequest | None = None,
    object_type: str = "", object_code: str = "", at: datetime | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` (a short code such as "roster.view")
    to `obj`, or to the object named by `object_type` and `object_code`."""
    if obj is not None:
        object_type, object_code = describe(obj)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=actor_role(actor), action=action[:40], object_type=object_type[:60],
        object_code=str(object_code)[:CODE_LENGTH], at=at or timezone.now(), ip_hash=ip_hash(request),
    )


def _admin_event(entry: LogEntry) -> AuditEvent:
    object_type = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type else ""
    code = entry.object_id or ""
    try:
        # The object's public code when it has one. A deletion is logged just
        # before the object goes, so it is usually still there.
        code = getattr(entry.get_edited_object(), "code", None) or code
    except (ObjectDoesNotExist, AttributeError):
        pass
    return AuditEvent(
        actor_id=entry.user_id, actor_role=actor_role(entry.user), action=ADMIN_ACTIONS.get(entry.action_flag, "admin"),
        object_type=object_type, object_code=str(code)[:CODE_LENGTH], at=entry.action_time, admin_log_id=entry.pk,
    )


@transaction.atomic
def audit_record_admin_entry(*, entry: LogEntry) -> None:
    """Mirror one admin log entry; mirroring it again changes nothing."""
    AuditEvent.objects.bulk_create([_admin_event(entry)], ignore_conflicts=True)


@transaction.atomic
def audit_sync_admin_log(*, since: datetime) -> int:
    """Mirror admin log entries written without a save signal: Django logs a
    deletion of several objects at once with bulk_create. Idempotent."""
    recorded = AuditEvent.objects.filter(admin_log_id__isnull=False).values("admin_log_id")
    entries = list(
        LogEntry.objects.filter(action_time__gte=since).exclude(pk__in=recorded)
        .select_related("user", "content_type").order_by("pk")
    )
    AuditEvent.objects.bulk_create([_admin_event(e) for e in entries], ignore_conflicts=True)
    return len(entries)
