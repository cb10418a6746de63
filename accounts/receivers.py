"""When a person's access ends, their live connections (room WebSockets) end
too, in every process: signing out closes those of that browser session;
deactivation closes them all; so does losing an auth group (and the
permissions it carried), however it is removed: the admin's user form or its
group page. Losing a programme role: programmes.receivers. Imported (so connected) in `AccountsConfig.ready`."""

from allauth.account.signals import user_logged_in
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.mfa import mfa_asserted_by_provider, provider_mfa_trusted
from accounts.models import User
from accounts.oidc import provider_sign_out_remember
from accounts.services import ACCESS_CHANGED, SIGNED_OUT, live_connections_close


@receiver(user_logged_out, dispatch_uid="accounts.live_connections.logout")
def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None or request is None:
        return
    live_connections_close(user_id=user.pk, reason=SIGNED_OUT, session_key=request.session.session_key)


@receiver(user_logged_in, dispatch_uid="accounts.mfa.provider_assertion")
def on_logged_in(sender, request, user, sociallogin=None, **kwargs) -> None:
    """A sign-in through an NHS provider whose multi-factor assertion this
    deployment trusts counts as two-factor for this session (accounts/mfa.py);
    one through a provider set to sign out there too is remembered for the
    sign-out (accounts/oidc.py)."""
    if request is None:
        return
    if provider_mfa_trusted(sociallogin):
        mfa_asserted_by_provider(request.session)
    provider_sign_out_remember(request, through_provider=sociallogin is not None)


@receiver(post_save, sender=User, dispatch_uid="accounts.live_connections.deactivated")
def on_user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    # Every save of an inactive account, not only the one that deactivates
    # it: an inactive account should have no live connection at all.
    if not created and not instance.is_active:
        live_connections_close(user_id=instance.pk, reason=ACCESS_CHANGED)


@receiver(post_delete, sender=UserSession, dispatch_uid="accounts.live_connections.session_ended")
def on_user_session_ended(sender, instance, **kwargs) -> None:
    """allauth's "sign out other browsers" (and account erasure) end sessions
    by deleting them, without a logout signal."""
    live_connections_close(user_id=instance.user_id, reason=SIGNED_OUT, session_key=instance.session_key)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.live_connections.role_removed")
def on_groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """A role removed from the user's side (`user.groups.remove/set/clear`, as
    the admin's user form does) or from the group's (`group.user_set...`)."""
    if action == "pre_clear":
        # After the clear the members can no longer be found: note them now.
        instance._roles_cleared_for = [instance.pk] if not reverse else list(
            instance.user_set.values_list("pk", flat=True))
        return
    if action == "post_clear":
        user_ids = getattr(instance, "_roles_cleared_for", [])
    elif action == "post_remove":
        user_ids = sorted(pk_set or ()) if reverse else [instance.pk]
    else:
        return
    for user_id in user_ids:
        live_connections_close(user_id=user_id, reason=ACCESS_CHANGED)
