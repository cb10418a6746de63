from django.urls import path

from groups.views import browse, manage, sessions

app_name = "groups"
urlpatterns = [
    path("", browse.browse, name="browse"),
    path("all/", browse.programme, name="programme"),
    path("run/", manage.facilitate, name="facilitate"),
    path("new/", manage.create, name="create"),
    path("sessions/<code:code>/roster/", sessions.roster, name="session_roster"),
    path("sessions/<code:code>/move/", sessions.move, name="session_move"),
    path("sessions/<code:code>/cancel/", sessions.cancel, name="session_cancel"),
    path("<code:code>/", browse.detail, name="detail"),
    path("<code:code>/manage/", manage.manage, name="manage"),
    path("<code:code>/edit/", manage.edit, name="edit"),
    path("<code:code>/publish/", manage.publish, name="publish"),
    path("<code:code>/archive/", manage.archive, name="archive"),
    path("<code:code>/restore/", manage.restore, name="restore"),
    path("<code:code>/facilitators/", manage.facilitators, name="facilitators"),
    path("<code:code>/facilitators/<code:facilitation_code>/remove/", manage.facilitator_remove_view,
         name="facilitator_remove"),
]
