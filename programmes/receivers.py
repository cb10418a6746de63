"""A role taken away, however (the people page, `manage.py role revoke`, the
Django admin, a programme deleted): the person's live connections close and
are authorised afresh, as when accounts' roles were auth groups."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.services import ACCESS_CHANGED, live_connections_close
from programmes.models import ProgrammeRole


@receiver(post_delete, sender=ProgrammeRole, dispatch_uid="programmes.live_connections.role_removed")
def on_role_removed(sender, instance: ProgrammeRole, **kwargs) -> None:
    live_connections_close(user_id=instance.user_id, reason=ACCESS_CHANGED)
