"""Every change made in the Django admin is mirrored into the audit log."""

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.services import audit_record_admin_entry


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.admin_log_entry")
def on_admin_log_entry(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs) -> None:
    # Several objects deleted at once are logged with bulk_create, which sends
    # no signal: the daily retention task mirrors those (audit_sync_admin_log).
    if created and not raw:
        audit_record_admin_entry(entry=instance)
