"""Everything in groups that writes. Split by feature; import from here.
The date arithmetic of schedules is `groups.recurrence` (no database)."""

from groups.services.groups import (
    ARCHIVED_REASON,
    NO_SESSIONS,
    GroupDetails,
    archive_preview,
    facilitator_add,
    facilitator_remove,
    ground_rules_save,
    group_archive,
    group_create,
    group_publish,
    group_restore,
    group_update,
    restore_refusal,
)
from groups.services.schedules import SchedulePlan, SessionChange, schedule_plan, schedule_save, sessions_materialise
from groups.services.sessions import session_add, session_cancel, session_move, session_restore

__all__ = [
    "NO_SESSIONS", "GroupDetails", "facilitator_add", "facilitator_remove", "ground_rules_save", "group_archive",
    "group_create", "group_publish", "group_update", "ARCHIVED_REASON", "archive_preview", "group_restore",
    "restore_refusal",
    "SchedulePlan", "SessionChange", "schedule_plan", "schedule_save", "sessions_materialise",
    "session_add", "session_cancel", "session_move", "session_restore",
]
