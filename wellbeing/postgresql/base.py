"""Django's PostgreSQL backend, failing fast when the database is unreachable.

With a connection pool a request waits up to the pool's timeout for a
connection. That wait is right in a booking rush (bench S1 queues a thousand
bookings on twenty connections), but when the database was down every page
waited the whole timeout (30 s) before failing. So when the pool has no idle
connection to hand out, this backend asks whether the database answers at all:
one direct connection, bounded by `connect_timeout`, shared by the whole
process and remembered for PROBE_FRESH_FOR seconds. If it does not answer the
request fails at once (the error page); otherwise it waits in the pool as
before. With idle connections in the pool nothing changes.
"""

import threading
import time

from django.db.backends.postgresql import base

PROBE_FRESH_FOR = 2.0  # seconds a probe's answer stands for every request in the process

_probe_lock = threading.Lock()
_probe: dict = {"at": float("-inf"), "error": None}


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        pool = self.pool
        if pool is not None and pool.get_stats().get("pool_available", 0) == 0:
            self._ensure_reachable(conn_params)
        return super().get_new_connection(conn_params)

    def _ensure_reachable(self, conn_params) -> None:
        with _probe_lock:
            if time.monotonic() - _probe["at"] > PROBE_FRESH_FOR:
                try:
                    self.Database.connect(**{**conn_params, "autocommit": True}).close()
                    _probe["error"] = None
                except self.Database.OperationalError as error:
                    _probe["error"] = str(error) or type(error).__name__
                _probe["at"] = time.monotonic()
            error = _probe["error"]
        if error is not None:
            raise self.Database.OperationalError(f"the database does not answer: {error}")
