"""Everything in sign-ups that writes. Split by feature; import from here."""

from signups.services.attendance import attendance_record_presence, attendance_register_save, sessions_close_finished
from signups.services.bookings import booking_cancel, booking_create, group_promote_waiting, session_promote_waiting
from signups.services.calendars import calendar_feed_renew, calendar_feed_revoke
from signups.services.feedback import feedback_allowed, feedback_give
from signups.services.ground_rules import ground_rules_accept
from signups.services.memberships import (
    group_intake_set,
    group_members_place,
    membership_apply,
    membership_decide,
    membership_leave,
    membership_withdraw,
)
from signups.services.programme_moves import group_programme_move, move_refusal

__all__ = [
    "attendance_record_presence", "attendance_register_save", "sessions_close_finished",
    "booking_cancel", "booking_create", "group_promote_waiting", "session_promote_waiting",
    "calendar_feed_renew", "calendar_feed_revoke", "feedback_allowed", "feedback_give",
    "ground_rules_accept", "group_intake_set", "group_members_place", "membership_apply",
    "membership_decide", "membership_leave", "membership_withdraw", "group_programme_move", "move_refusal",
]
