"""Signals sign-ups sends, for the notifications service. Each is sent only
after the transaction that caused it commits (`send_after_commit`).

booking_confirmed(sender=Booking, booking): a person booked a place
    (not sent for a place that came from the waiting list: see waitlist_promoted,
    nor for a closed group member's standing place).
waitlist_promoted(sender=Booking, booking): a place freed and this person,
    first in line, now holds it.
booking_cancelled(sender=Booking, booking, late, was_waitlisted, by_person): a
    place was given up (late: within 24 hours of the start) or a waiting list
    left; `by_person` when the person did it themselves, one session at a time
    (not when leaving a closed group gives up all its places at once).
membership_applied(sender=Membership, membership): a person applied to a
    closed group (or applied again after withdrawing, leaving or a refusal).
membership_decided(sender=Membership, membership, decision): a facilitator
    accepted ("accepted"), declined ("declined") or arranged a joining
    conversation ("conversation") for an application; `membership.response`
    holds their optional message.
"""

from django.db import transaction
from django.dispatch import Signal

booking_confirmed = Signal()
waitlist_promoted = Signal()
booking_cancelled = Signal()
membership_applied = Signal()
membership_decided = Signal()


def send_after_commit(signal: Signal, sender, **kwargs) -> None:
    """Send once the transaction commits. Robust: a receiver that fails (a
    notification not queued) is logged and never undoes or fails the booking
    that has already been saved."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs), robust=True)
