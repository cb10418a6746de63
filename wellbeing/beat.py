"""The Celery beat schedule: periodic jobs, each idempotent and safe to run
twice at once. Imported by settings as CELERY_BEAT_SCHEDULE.

Tasks are named by string so settings never import the apps.
"""

from celery.schedules import crontab

MINUTE = 60.0

BEAT_SCHEDULE: dict = {
    # Reminders and other due notifications: rows claimed with SKIP LOCKED.
    # `expires`: after an outage, one sweep catches up; a backlog of stale
    # sweep messages would only queue behind it.
    "notifications-send-due": {
        "task": "notifications.tasks.send_due_notifications",
        "schedule": MINUTE,
        "options": {"expires": MINUTE - 5},
    },
    # Room connections whose socket closed unseen (Redis or a server down):
    # removed, and the person's departure recorded (rooms).
    "rooms-reap-stale-connections": {
        "task": "rooms.tasks.reap_stale_connections",
        "schedule": MINUTE,
        "options": {"expires": MINUTE - 5},
    },
    # Recurring sessions materialised up to the horizon (groups).
    "groups-materialise-schedules": {
        "task": "groups.tasks.materialise_schedules",
        "schedule": 60 * MINUTE,
        "options": {"expires": 30 * MINUTE},
    },
    # Finished sessions closed and no-shows recorded (sign-ups' service).
    "signups-close-finished-sessions": {
        "task": "notifications.tasks.close_finished_sessions",
        "schedule": 5 * MINUTE,
        "options": {"expires": 4 * MINUTE},
    },
    # One feedback invitation per attended booking, after the session ends.
    "notifications-invite-feedback": {
        "task": "notifications.tasks.invite_feedback",
        "schedule": 5 * MINUTE,
        "options": {"expires": 4 * MINUTE},
    },
    # Report rollups caught up with the changes noted since, and the sessions
    # ended since (reports.rollups); a report page catches up before reading too.
    "reports-catch-up-rollups": {
        "task": "reports.tasks.catch_up_rollups",
        "schedule": MINUTE,
        "options": {"expires": MINUTE - 5},
    },
    # The retention purge (privacy): daily, at a quiet hour, London time.
    "privacy-retention-purge": {
        "task": "privacy.tasks.retention_purge",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 6 * 60 * MINUTE},
    },
}
