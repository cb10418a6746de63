"""A task for the broker-restart test: it holds a worker process (and its
unacknowledged message) for a while, and leaves marks in a file."""

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="core.tests.celery_probe.hold")
def hold(seconds: float, marks: str) -> None:
    with Path(marks).open("a") as out:
        out.write("start\n")
    time.sleep(seconds)
    with Path(marks).open("a") as out:
        out.write("done\n")
