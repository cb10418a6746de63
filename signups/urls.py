"""Sign-ups' pages, included at the site root."""

from django.urls import path, register_converter

from signups.converters import CodeConverter
from signups.views import attendance, bookings, calendars, memberships
from signups.views.my_sessions import my_sessions

register_converter(CodeConverter, "signups_code")  # app-prefixed: converter names are global

app_name = "signups"
urlpatterns = [
    path("my-sessions/", my_sessions, name="my_sessions"),
    path("sessions/<signups_code:code>/", bookings.session_detail, name="session"),
    path("sessions/<signups_code:code>/book/", bookings.session_book, name="book"),
    path("sessions/<signups_code:code>/waitlist/", bookings.session_waitlist, name="waitlist"),
    path("sessions/<signups_code:code>/cancel/", bookings.session_cancel, name="cancel"),
    path("sessions/<signups_code:code>/calendar.ics", calendars.session_calendar, name="session_calendar"),
    path("sessions/<signups_code:code>/register/", attendance.register, name="register"),
    path("sessions/<signups_code:code>/feedback/", attendance.feedback, name="feedback"),
    path("groups/<signups_code:code>/ground-rules/", memberships.ground_rules, name="ground_rules"),
    path("groups/<signups_code:code>/apply/", memberships.apply, name="apply"),
    path("groups/<signups_code:code>/withdraw/", memberships.withdraw, name="withdraw"),
    path("groups/<signups_code:code>/leave/", memberships.leave, name="leave"),
    path("groups/<signups_code:code>/applications/", memberships.applications, name="applications"),
    path("groups/<signups_code:code>/applications/<signups_code:membership_code>/", memberships.decide, name="decide"),
    path("groups/<signups_code:code>/intake/", memberships.intake, name="intake"),
    path("groups/<signups_code:code>/feedback/", attendance.group_feedback, name="group_feedback"),
    path("calendar/", calendars.calendar, name="calendar"),
    path("calendar/new/", calendars.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", calendars.calendar_revoke, name="calendar_revoke"),
    path("calendar/<signups_code:token>.ics", calendars.calendar_feed, name="calendar_feed"),
]
