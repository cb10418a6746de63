from django.urls import path, register_converter

from groups.views import browse, manage, sessions


class CodeConverter:
    """A random public code (core.codes): anything else is a 404 before any query."""

    regex = "[A-Za-z0-9_-]{1,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "groupcode")

app_name = "groups"
urlpatterns = [
    path("", browse.browse, name="browse"),
    path("all/", browse.programme, name="programme"),
    path("run/", manage.facilitate, name="facilitate"),
    path("new/", manage.create, name="create"),
    path("sessions/<groupcode:code>/roster/", sessions.roster, name="session_roster"),
    path("sessions/<groupcode:code>/move/", sessions.move, name="session_move"),
    path("sessions/<groupcode:code>/cancel/", sessions.cancel, name="session_cancel"),
    path("<groupcode:code>/", browse.detail, name="detail"),
    path("<groupcode:code>/manage/", manage.manage, name="manage"),
    path("<groupcode:code>/edit/", manage.edit, name="edit"),
    path("<groupcode:code>/publish/", manage.publish, name="publish"),
    path("<groupcode:code>/archive/", manage.archive, name="archive"),
    path("<groupcode:code>/facilitators/", manage.facilitators, name="facilitators"),
    path("<groupcode:code>/facilitators/<groupcode:facilitation_code>/remove/", manage.facilitator_remove_view,
         name="facilitator_remove"),
]
