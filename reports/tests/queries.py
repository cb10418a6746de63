"""Queries one report takes: on PostgreSQL, whether the rollups are up to date
and then 15 reads of them; elsewhere (SQLite, no rollups) 13 reads of the raw rows."""

from django.db import connection


def report_queries() -> int:
    return 16 if connection.vendor == "postgresql" else 13
