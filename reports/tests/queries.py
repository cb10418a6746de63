"""Queries one report takes: on PostgreSQL, whether the rollups are up to date
and then the rollups' reads: every sum of cells in one, and the people in two
(every breakdown but format, then format) or, for a month, one of the month's
counts; elsewhere (SQLite, no rollups) 13 reads of the raw rows.
The installation overview's figures take those of one report (each grouped by
programme) and the installation's whole-period figures: on PostgreSQL the
cells' sums and the people (the month's counts for a month), elsewhere places,
people, sessions and feedback."""

from django.db import connection


def report_queries(*, month: bool = False) -> int:
    if connection.vendor != "postgresql":
        return 13
    return 3 if month else 4


def overview_queries() -> int:
    """The overview of a month (as the tests ask for)."""
    return report_queries(month=True) + (2 if connection.vendor == "postgresql" else 3)
