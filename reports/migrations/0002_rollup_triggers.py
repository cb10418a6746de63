"""Triggers that note, in the changing transaction, every change to a raw row
the rollups count (reports.RollupChange), whatever wrote it: the ORM, a bulk
update, a cascade or hand-written SQL. `reports.rollups.catch_up` recomputes
the noted sessions and people. Statement-level, with transition tables: one
INSERT … SELECT per statement, however many rows it changed."""

from django.db import migrations

LOG = "INSERT INTO reports_rollupchange (session_id, user_id)"

# table -> (SQL for inserted rows, for updated rows, for deleted rows); None: not watched.
WATCHED = {
    "signups_booking": (
        f"{LOG} SELECT DISTINCT session_id, user_id FROM new_rows",
        f"""{LOG} SELECT DISTINCT x.session_id, x.user_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.session_id, o.user_id), (n.session_id, n.user_id)) x(session_id, user_id)
            WHERE (o.session_id, o.user_id, o.status, o.attendance, o.queued_at, o.confirmed_at)
                  IS DISTINCT FROM (n.session_id, n.user_id, n.status, n.attendance, n.queued_at, n.confirmed_at)""",
        f"{LOG} SELECT DISTINCT session_id, user_id FROM old_rows",
    ),
    "signups_feedback": (
        f"{LOG} SELECT DISTINCT session_id, NULL::bigint FROM new_rows",
        f"""{LOG} SELECT DISTINCT x.session_id, NULL::bigint
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.session_id), (n.session_id)) x(session_id)
            WHERE (o.session_id, o.helpfulness) IS DISTINCT FROM (n.session_id, n.helpfulness)""",
        f"{LOG} SELECT DISTINCT session_id, NULL::bigint FROM old_rows",
    ),
    "privacy_sessionattendancesummary": (
        f"{LOG} SELECT DISTINCT session_id, NULL::bigint FROM new_rows",
        f"""{LOG} SELECT DISTINCT x.session_id, NULL::bigint
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.session_id), (n.session_id)) x(session_id)""",
        f"{LOG} SELECT DISTINCT session_id, NULL::bigint FROM old_rows",
    ),
    # A session's own figures, and its people's (their months and programmes).
    "groups_groupsession": (
        f"{LOG} SELECT id, NULL::bigint FROM new_rows",
        f"""{LOG} SELECT DISTINCT c.id, b.user_id
            FROM (SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.status, o.starts_at, o.ends_at, o.group_id)
                        IS DISTINCT FROM (n.status, n.starts_at, n.ends_at, n.group_id)) c
            LEFT JOIN signups_booking b ON b.session_id = c.id""",
        f"{LOG} SELECT id, NULL::bigint FROM old_rows",
    ),
    "groups_peergroup": (
        None,
        f"""{LOG} SELECT DISTINCT s.id, b.user_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN groups_groupsession s ON s.group_id = n.id
            LEFT JOIN signups_booking b ON b.session_id = s.id
            WHERE (o.format, o.programme_id) IS DISTINCT FROM (n.format, n.programme_id)""",
        None,
    ),
    # A profile breakdown counts each session's places by the person's profile now.
    "accounts_user": (
        None,
        f"""{LOG} SELECT DISTINCT b.session_id, NULL::bigint
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN signups_booking b ON b.user_id = n.id
            WHERE (o.profession, o.career_stage, o.region) IS DISTINCT FROM (n.profession, n.career_stage, n.region)""",
        None,
    ),
}
EVENTS = (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
          ("DELETE", "OLD TABLE AS old_rows"))


def _forward() -> list[str]:
    statements = []
    for table, bodies in WATCHED.items():
        for (event, referencing), body in zip(EVENTS, bodies, strict=True):
            if body is None:
                continue
            name = f"reports_rollup_{table}_{event.lower()}"
            statements.append(f"""
                CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {body};
                    RETURN NULL;
                END $$;
                CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}
                FOR EACH STATEMENT EXECUTE FUNCTION {name}();""")
    return statements


def _backward() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS reports_rollup_{table}_{event.lower()} ON {table}; "
            f"DROP FUNCTION IF EXISTS reports_rollup_{table}_{event.lower()}();"
            for table, bodies in WATCHED.items() for (event, _r), body in zip(EVENTS, bodies, strict=True) if body]


def _run(schema_editor, statements: list[str]) -> None:
    # Rollups are kept on PostgreSQL only (the production database); on the
    # embedded SQLite of `make run` the reports read the raw rows
    # (`reports.rollups.enabled`).
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement)


def _install(apps, schema_editor) -> None:
    # Rollups are built on first use (or by `manage.py rollups_rebuild`).
    _run(schema_editor, [*_forward(), "INSERT INTO reports_rollupstate (id, rolled_up_to, needs_rebuild) "
                                      "VALUES (1, '1970-01-01T00:00:00Z', true)"])


def _uninstall(apps, schema_editor) -> None:
    _run(schema_editor, [*_backward(), "DELETE FROM reports_rollupstate"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_rollups"),
        ("accounts", "0003_user_name_code"),
        ("groups", "0006_peergroup_programme"),
        ("privacy", "0002_auditevent_moved"),
        ("signups", "0004_booking_sequence"),
    ]

    operations = [
        migrations.RunPython(_install, _uninstall),
    ]
