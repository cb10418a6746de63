"""Anonymous feedback after a session."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from signups.errors import SignupRefused
from signups.models import Booking, Feedback, SessionRegister


def feedback_allowed(booking: Booking, *, now: datetime) -> bool:
    """Once per place, after the session ends, for people who attended (or
    simply held a place, when no facilitator took a register)."""
    session = booking.session
    if booking.feedback_given or booking.status != Booking.Status.CONFIRMED:
        return False
    if session.is_cancelled or session.ends_at > now:
        return False
    if booking.attendance == Booking.Attendance.ATTENDED:
        return True
    try:
        register = session.register  # select_related("session__register") on lists
    except SessionRegister.DoesNotExist:
        return True
    return register.automatic


@transaction.atomic
def feedback_give(*, booking: Booking, helpfulness: int, comment: str = "", now: datetime | None = None) -> None:
    """Store feedback with no link to the person; the booking only remembers
    that it was given, in the same transaction, so it is given once."""
    now = now or timezone.now()
    booking = Booking.objects.select_related("session").select_for_update(of=("self",)).get(pk=booking.pk)
    if not feedback_allowed(booking, now=now):
        raise SignupRefused("You cannot give feedback for this session.", reason="feedback_closed")
    if not 1 <= helpfulness <= 5:
        raise SignupRefused("Choose how helpful the session was, from 1 to 5.", reason="invalid")
    # Only the date: a timestamp could be matched against the booking's.
    Feedback.objects.create(
        session=booking.session, helpfulness=helpfulness, comment=comment[:2000],
        given_on=timezone.localdate(now),
    )
    booking.feedback_given = True
    booking.save(update_fields=["feedback_given"])
