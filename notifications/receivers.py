"""Receivers of other apps' signals. Both groups and sign-ups send theirs after
their transaction commits, so each receiver's service runs in its own."""

import logging

from notifications import services
from notifications.models import Kind

logger = logging.getLogger("notifications")


def on_booking_confirmed(sender, *, booking, **kwargs) -> None:
    services.notifications_booking_confirmed(booking=booking)


def on_waitlist_promoted(sender, *, booking, **kwargs) -> None:
    services.notifications_booking_confirmed(booking=booking, kind=Kind.WAITLIST_PROMOTED)


def on_booking_cancelled(sender, *, booking, **kwargs) -> None:
    services.notifications_booking_cancelled(booking=booking)


def on_membership_decided(sender, *, membership, **kwargs) -> None:
    services.notification_membership_decided(membership=membership)


def on_session_changed(sender, *, session, change, previous_starts_at=None, **kwargs) -> None:
    services.notifications_session_changed(session=session, change=change, previous_starts_at=previous_starts_at)


RECEIVERS = {
    "signups.signals": {
        "booking_confirmed": on_booking_confirmed,
        "waitlist_promoted": on_waitlist_promoted,
        "booking_cancelled": on_booking_cancelled,
        "membership_decided": on_membership_decided,
    },
    "groups.signals": {"session_changed": on_session_changed},
}


def connect() -> list[str]:
    """Connect what exists; return the names of signals not (yet) defined."""
    from importlib import import_module

    missing = []
    for module_name, receivers in RECEIVERS.items():
        try:
            module = import_module(module_name)
        except ImportError:
            missing.extend(f"{module_name}.{name}" for name in receivers)
            continue
        for name, receiver in receivers.items():
            signal = getattr(module, name, None)
            if signal is None:
                missing.append(f"{module_name}.{name}")
                continue
            signal.connect(receiver, dispatch_uid=f"notifications.{name}")
    if missing:
        logger.warning("notifications cannot hear: %s", ", ".join(missing))
    return missing
