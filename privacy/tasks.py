"""Celery tasks for privacy: thin; the work is in privacy.services."""

from celery import shared_task

from privacy import services


@shared_task
def retention_purge() -> dict[str, int]:
    """Apply the retention periods (daily, from the beat schedule). Idempotent
    and safe to overlap with itself."""
    return services.retention_purge().as_dict()
