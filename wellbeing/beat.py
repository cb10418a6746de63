"""The Celery beat schedule: periodic jobs, each idempotent and safe to run
twice at once. Imported by settings as CELERY_BEAT_SCHEDULE."""

BEAT_SCHEDULE: dict = {}
