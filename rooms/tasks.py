"""Thin Celery tasks of rooms: one service call each."""

from celery import shared_task

from rooms import services


@shared_task(name="rooms.tasks.reap_stale_connections")
def reap_stale_connections() -> int:
    """Connections whose socket went without a goodbye; departures recorded."""
    return services.connections_reap_stale()
