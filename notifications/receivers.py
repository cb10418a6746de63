"""Receivers of other apps' signals (imported, so connected, in
NotificationsConfig.ready). Both groups and sign-ups send theirs after their
transaction commits, so each receiver's service runs in its own."""

from django.dispatch import receiver

from groups.signals import session_changed
from notifications import services
from notifications.models import Kind
from signups.signals import (
    booking_cancelled,
    booking_confirmed,
    membership_applied,
    membership_decided,
    waitlist_promoted,
)


@receiver(booking_confirmed, dispatch_uid="notifications.booking_confirmed")
def on_booking_confirmed(sender, *, booking, **kwargs) -> None:
    services.notifications_booking_confirmed(booking=booking)


@receiver(waitlist_promoted, dispatch_uid="notifications.waitlist_promoted")
def on_waitlist_promoted(sender, *, booking, **kwargs) -> None:
    services.notifications_booking_confirmed(booking=booking, kind=Kind.WAITLIST_PROMOTED)


@receiver(booking_cancelled, dispatch_uid="notifications.booking_cancelled")
def on_booking_cancelled(sender, *, booking, was_waitlisted=False, by_person=False, **kwargs) -> None:
    services.notifications_booking_cancelled(booking=booking, confirm=by_person and not was_waitlisted)


@receiver(membership_applied, dispatch_uid="notifications.membership_applied")
def on_membership_applied(sender, *, membership, **kwargs) -> None:
    services.notifications_application_received(membership=membership)


@receiver(membership_decided, dispatch_uid="notifications.membership_decided")
def on_membership_decided(sender, *, membership, **kwargs) -> None:
    services.notification_membership_decided(membership=membership)


@receiver(session_changed, dispatch_uid="notifications.session_changed")
def on_session_changed(sender, *, session, change, previous_starts_at=None, **kwargs) -> None:
    services.notifications_session_changed(session=session, change=change, previous_starts_at=previous_starts_at)

