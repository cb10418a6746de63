"""Queries one report takes: on PostgreSQL, whether the rollups are up to date
and then 15 reads of them; elsewhere (SQLite, no rollups) 13 reads of the raw rows.
The installation overview's figures take those of one report (each grouped by
programme) and the installation's whole-period figures: places, people (a read
of their own on PostgreSQL), sessions and feedback."""

from django.db import connection


def report_queries() -> int:
    return 16 if connection.vendor == "postgresql" else 13


def overview_queries() -> int:
    return report_queries() + (4 if connection.vendor == "postgresql" else 3)
