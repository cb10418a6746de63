"""Queries one report takes: on PostgreSQL, whether the rollups are up to date
and then the rollups' reads: every sum of cells in one, and the people in two
(every breakdown but format, then format) or, for a month, one of the month's
counts; elsewhere (SQLite, no rollups) 13 reads of the raw rows."""

from django.db import connection


def report_queries(*, month: bool = False) -> int:
    if connection.vendor != "postgresql":
        return 13
    return 3 if month else 4
