"""Everything in privacy that writes. Split by feature; import from here."""

from privacy.services.audit import audit_record, audit_record_admin_entry, audit_sync_admin_log
from privacy.services.erasure import ErasureRefused, account_erase
from privacy.services.retention import PurgeResult, retention_purge

__all__ = [
    "ErasureRefused", "PurgeResult", "account_erase", "audit_record", "audit_record_admin_entry",
    "audit_sync_admin_log", "retention_purge",
]
