"""Helpers for tests in every app."""

import pytest
from django.conf import settings


def postgres_configured() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


requires_postgres = pytest.mark.skipif(
    not postgres_configured(),
    reason="needs PostgreSQL: set DATABASE_URL (CI does); SQLite cannot show row-lock behaviour",
)


def queries_for(callable_) -> int:
    """How many database queries `callable_()` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)
