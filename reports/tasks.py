"""Celery tasks for reports: thin; the work is in reports.rollups."""

from celery import shared_task

from reports import rollups


@shared_task
def catch_up_rollups() -> None:
    """Bring the report rollups up to date (every minute, from the beat
    schedule), so a report page rarely has anything to catch up itself.
    Idempotent; overlapping runs wait for each other's lock."""
    rollups.catch_up()
