from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.index, name="index"),
    path("invitations/<token:token>/", views.invitation, name="invitation"),
    path("<code:code>/people/", views.people, name="people"),
    path("<code:code>/people/<code:role_code>/remove/", views.role_remove, name="role_remove"),
    path("<code:code>/invitations/<code:invitation_code>/withdraw/", views.invitation_withdraw_view,
         name="invitation_withdraw"),
]
