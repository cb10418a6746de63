"""Sign-ups' pages, included at the site root."""

from django.urls import path

from signups.views import attendance, bookings, calendars, memberships, programme_moves
from signups.views.my_sessions import my_sessions

app_name = "signups"
urlpatterns = [
    path("my-sessions/", my_sessions, name="my_sessions"),
    path("sessions/<code:code>/", bookings.session_detail, name="session"),
    path("sessions/<code:code>/book/", bookings.session_book, name="book"),
    path("sessions/<code:code>/waitlist/", bookings.session_waitlist, name="waitlist"),
    path("sessions/<code:code>/cancel/", bookings.session_cancel, name="cancel"),
    path("sessions/<code:code>/cancel/confirm/", bookings.session_cancel_confirm, name="cancel_confirm"),
    path("sessions/<code:code>/calendar.ics", calendars.session_calendar, name="session_calendar"),
    path("sessions/<code:code>/register/", attendance.register, name="register"),
    path("sessions/<code:code>/feedback/", attendance.feedback, name="feedback"),
    path("groups/<code:code>/ground-rules/", memberships.ground_rules, name="ground_rules"),
    path("groups/<code:code>/apply/", memberships.apply, name="apply"),
    path("groups/<code:code>/withdraw/", memberships.withdraw, name="withdraw"),
    path("groups/<code:code>/leave/", memberships.leave, name="leave"),
    path("groups/<code:code>/applications/", memberships.applications, name="applications"),
    path("groups/<code:code>/applications/<code:membership_code>/", memberships.decide, name="decide"),
    path("groups/<code:code>/intake/", memberships.intake, name="intake"),
    path("groups/<code:code>/feedback/", attendance.group_feedback, name="group_feedback"),
    path("groups/<code:code>/programme/", programme_moves.programme_move, name="programme_move"),
    path("calendar/", calendars.calendar, name="calendar"),
    path("calendar/new/", calendars.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", calendars.calendar_revoke, name="calendar_revoke"),
    path("calendar/<token:token>.ics", calendars.calendar_feed, name="calendar_feed"),
]
