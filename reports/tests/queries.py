"""Queries one report takes: on PostgreSQL, whether the rollups are up to date
and then the rollups' reads: every sum of cells in one, and the people of the
period and of its months (counted in advance) in one, for a month, a quarter
or a year alike; elsewhere (SQLite, no rollups) 13 reads of the raw rows.
The installation overview's figures take those of one report (each grouped by
programme) and the installation's whole-period figures: on PostgreSQL the
cells' sums and the people, elsewhere places, people, sessions and feedback."""

from django.db import connection


def report_queries() -> int:
    return 3 if connection.vendor == "postgresql" else 13


def overview_queries() -> int:
    """The overview of a month (as the tests ask for)."""
    return report_queries() + (2 if connection.vendor == "postgresql" else 3)
