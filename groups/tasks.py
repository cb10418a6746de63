"""Celery tasks for groups: thin, ids in; the work is in groups.services."""

import logging

from celery import shared_task

from groups.models import PeerGroup
from groups.services import sessions_materialise

logger = logging.getLogger(__name__)


@shared_task
def materialise_schedules() -> int:
    """Move every published group's sessions forward to the rolling horizon
    (the lead adds this to the beat schedule, daily). Each group is its own
    transaction, so one group's failure never holds up the others.
    Returns how many sessions were created."""
    ids = list(
        PeerGroup.objects.filter(status=PeerGroup.Status.PUBLISHED, schedule__isnull=False)
        .order_by("pk").values_list("pk", flat=True)
    )
    created = 0
    for group_id in ids:
        try:
            created += materialise_group(group_id)
        except Exception:
            logger.exception("Could not materialise the sessions of group %s", group_id)
    return created


@shared_task
def materialise_group(group_id: int) -> int:
    """One group's sessions up to the horizon; returns how many were created."""
    group = PeerGroup.objects.filter(pk=group_id).first()
    if group is None:  # deleted since the sweep listed it
        return 0
    return len(sessions_materialise(group=group))
