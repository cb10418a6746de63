"""`manage.py rollups_rebuild`: every report rollup from scratch, from the raw
rows. Safe at any time (it takes the rollups' lock and one transaction); run
it after loading data with triggers off (pg_restore, session_replication_role
= replica), or to check nothing drifted."""

import time

from django.core.management.base import BaseCommand

from reports import rollups


class Command(BaseCommand):
    help = "Rebuild the report rollups from the raw rows."

    def handle(self, *args, **options) -> None:
        if not rollups.enabled():
            self.stdout.write("Report rollups are kept on PostgreSQL only; this database's reports read the raw rows.")
            return
        t0 = time.monotonic()
        rollups.rebuild()
        self.stdout.write(f"Report rollups rebuilt in {time.monotonic() - t0:.1f} s.")
