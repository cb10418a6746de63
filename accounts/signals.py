"""When a person's access ends, their live connections (room WebSockets) end
too, in every process: signing out closes those of that browser session;
deactivation closes them all. Removing a role does the same from
`accounts.services.role_revoke`. Connected in `AccountsConfig.ready`."""

from django.contrib.auth.signals import user_logged_out

from accounts.models import User
from accounts.services import ACCESS_CHANGED, SIGNED_OUT, live_connections_close


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None or request is None:
        return
    live_connections_close(user_id=user.pk, reason=SIGNED_OUT, session_key=request.session.session_key)


def on_user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    # Every save of an inactive account, not only the one that deactivates
    # it: an inactive account should have no live connection at all.
    if not created and not instance.is_active:
        live_connections_close(user_id=instance.pk, reason=ACCESS_CHANGED)


def on_user_session_ended(sender, instance, **kwargs) -> None:
    """allauth's "sign out other browsers" (and account erasure) end sessions
    by deleting them, without a logout signal."""
    live_connections_close(user_id=instance.user_id, reason=SIGNED_OUT, session_key=instance.session_key)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    user_logged_out.connect(on_logged_out, dispatch_uid="accounts.live_connections.logout")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="accounts.live_connections.deactivated")
    if apps.is_installed("allauth.usersessions"):
        post_delete.connect(on_user_session_ended, sender=apps.get_model("usersessions", "UserSession"),
                            dispatch_uid="accounts.live_connections.session_ended")
