"""How each kind of personal data is written into a person's download.

Each function takes the rows linked to the person and returns plain values.
Secrets are never read: not the password hash, MFA secrets (`Authenticator.data`),
calendar tokens or session keys.
"""

import re
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from core.dates import span as when

# Field names never exported by the generic fallback.
SECRET_NAME = re.compile(r"password|secret|token|key|hash|otp|data$", re.IGNORECASE)


def plain(value: Any) -> Any:
    """JSON-ready: times in UK time with their offset, nested values too."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def generic(rows: models.QuerySet) -> list[dict]:
    """Every field except secrets, for rows without a rule of their own."""
    names = [
        f.attname for f in rows.model._meta.concrete_fields
        if not SECRET_NAME.search(f.name) and not isinstance(f, models.BinaryField)
    ]
    return list(rows.order_by("pk").values(*names))


def _session(session) -> dict:
    return {
        "session": session.code,
        "group": session.group.title,
        "when": when(session.starts_at, session.ends_at),
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
    }


def email_addresses(rows) -> list[dict]:
    return list(rows.order_by("pk").values("email", "verified", "primary"))


def authenticators(rows) -> list[dict]:
    return [{"type": a.get_type_display(), "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in rows.order_by("pk").only("type", "created_at", "last_used_at")]


def social_accounts(rows) -> list[dict]:
    """NHS sign-in accounts linked to this one: which provider, the person's
    identifier there and the claims kept (accounts/oidc.py keeps only a few)."""
    return [{"provider": a.provider, "identifier_at_provider": a.uid, "connected_at": a.date_joined,
             "last_signed_in_at": a.last_login, "what_the_provider_said": a.extra_data}
            for a in rows.order_by("pk")]


def user_sessions(rows) -> list[dict]:
    return list(rows.order_by("created_at").values("created_at", "last_seen_at", "ip", "user_agent"))


def roles(rows) -> list[str]:
    return sorted(rows.values_list("group__name", flat=True))


def permissions(rows) -> list[str]:
    return sorted(rows.values_list("permission__codename", flat=True))


def programme_roles(rows) -> list[dict]:
    return [{"programme": r.programme.name, "role": r.get_role_display(), "since": r.granted_at}
            for r in rows.select_related("programme").order_by("granted_at", "pk")]


def invitations_sent(rows) -> list[dict]:
    return [{"programme": i.programme.name, "to": i.email, "role": i.get_role_display(), "sent_at": i.created_at,
             "accepted_at": i.accepted_at, "withdrawn_at": i.withdrawn_at}
            for i in rows.select_related("programme").order_by("created_at", "pk")]


def invitations_accepted(rows) -> list[dict]:
    return [{"programme": i.programme.name, "role": i.get_role_display(), "accepted_at": i.accepted_at}
            for i in rows.select_related("programme").order_by("accepted_at", "pk")]


def facilitations(rows) -> list[dict]:
    return [{"group": f.group.title, "group_code": f.group.code, "group_status": f.group.get_status_display(),
             "since": f.added_at} for f in rows.select_related("group").order_by("added_at")]


def bookings(rows) -> list[dict]:
    return [
        {**_session(b.session), "booking": b.code, "status": b.get_status_display(),
         "attendance": b.get_attendance_display(), "booked_at": b.created_at, "confirmed_at": b.confirmed_at,
         "queued_at": b.queued_at, "cancelled_at": b.cancelled_at, "late_cancellation": b.late_cancellation,
         "joined_room_at": b.joined_room_at, "left_room_at": b.left_room_at,
         "feedback_given": b.feedback_given, "place_as_group_member": b.via_membership}
        for b in rows.select_related("session__group").order_by("session__starts_at")
    ]


def memberships(rows) -> list[dict]:
    return [
        {"group": m.group.title, "group_code": m.group.code, "application": m.code,
         "status": m.get_status_display(), "your_note": m.note, "facilitator_response": m.response,
         "applied_at": m.applied_at, "decided_at": m.decided_at, "left_at": m.left_at}
        for m in rows.select_related("group").order_by("applied_at")
    ]


def ground_rules_acceptances(rows) -> list[dict]:
    return [{"group": a.ground_rules.group.title, "version": a.ground_rules.version, "accepted_at": a.accepted_at}
            for a in rows.select_related("ground_rules__group").order_by("accepted_at")]


def calendar_feed(rows) -> dict:
    feed = rows.only("created_at").first()
    # The private URL's token is a secret: only that the feed exists.
    return {"exists": feed is not None, "set_up_at": feed.created_at if feed else None}


def registers_taken(rows) -> list[dict]:
    return [{**_session(r.session), "taken_at": r.taken_at}
            for r in rows.select_related("session__group").order_by("taken_at")]


def room_presences(rows) -> list[dict]:
    return [
        {**_session(p.room.session), "as_facilitator": p.is_facilitator, "state": p.get_state_display(),
         "first_admitted_at": p.joined_at, "last_left_at": p.left_at}
        for p in rows.select_related("room__session__group").order_by("pk")
    ]


def notifications(rows) -> list[dict]:
    return [
        {"kind": n.get_kind_display(), "status": n.get_status_display(), "due_at": n.due_at,
         "sent_at": n.sent_at, "shown_at": n.shown_at, "read_at": n.read_at,
         "about_group": (n.booking.session.group if n.booking_id else n.membership.group).title}
        for n in rows.select_related("booking__session__group", "membership__group").order_by("created_at")
    ]


def notification_preference(rows) -> dict:
    preference = rows.first()
    if preference is None:
        return {"reminder_the_day_before": True, "reminder_an_hour_before": True, "chosen": False}
    return {"reminder_the_day_before": preference.reminder_24h, "reminder_an_hour_before": preference.reminder_1h,
            "chosen": True, "updated_at": preference.updated_at}


def admin_actions(rows) -> list[dict]:
    return [{"at": e.action_time, "action": e.get_action_flag_display(),
             "object_type": e.content_type.model if e.content_type else ""}
            for e in rows.select_related("content_type").order_by("action_time")]


def audit_events(rows) -> list[dict]:
    return list(rows.order_by("at").values("at", "action", "object_type", "object_code"))
