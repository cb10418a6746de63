"""The Celery app: `celery -A wellbeing worker` / `celery -A wellbeing beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellbeing.settings")

app = Celery("wellbeing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
