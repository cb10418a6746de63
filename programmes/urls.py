from django.urls import path

from programmes.views import details, people, signposts

app_name = "programmes"
urlpatterns = [
    path("", people.index, name="index"),
    path("new/", details.create, name="create"),
    path("invitations/<token:token>/", people.invitation, name="invitation"),
    path("<code:code>/", details.edit, name="edit"),
    path("<code:code>/people/", people.people, name="people"),
    path("<code:code>/people/<code:role_code>/remove/", people.role_remove, name="role_remove"),
    path("<code:code>/invitations/<code:invitation_code>/withdraw/", people.invitation_withdraw_view,
         name="invitation_withdraw"),
    path("<code:code>/help/", signposts.signposts, name="signposts"),
    path("<code:code>/help/<code:signpost_code>/", signposts.signpost_edit, name="signpost_edit"),
    path("<code:code>/help/<code:signpost_code>/remove/", signposts.signpost_remove_view, name="signpost_remove"),
    path("<code:code>/help/<code:signpost_code>/move/", signposts.signpost_move_view, name="signpost_move"),
]
