"""Everything in privacy that writes. Split by feature; import from here."""

from privacy.services.erasure import ErasureRefused, account_erase
from privacy.services.retention import PurgeResult, retention_purge

__all__ = [
    "ErasureRefused", "PurgeResult", "account_erase", "retention_purge",
]
