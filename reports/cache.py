"""Published reports kept in the shared cache, so a report is suppressed and
laid out once for as long as its figures stay the same, not once a view.

Only what a report publishes is kept: the page's rendered figures and the
CSV, made from a `Report`, which holds suppressed figures only
(`reports.report`). Never the raw figures, nothing about a person, nothing
of the request (the page's form, menu and programme name are rendered per
request around it).

**Never stale.** The key holds everything the output depends on: what it is
(`kind`, and any `variant` such as the CSV link it contains), the
programmes, the period, a fingerprint of the code and templates that make
it (so a deployment with another rule never serves the old one's output),
and the rollups' stamp of the months it reads (`rollups.stamp`): the time
any rollup row of those programmes' months last changed. Every change to
a counted raw row is caught up before a report reads (`rollups.current`),
and each catch-up stamps every month whose rows it rewrote, in its own
transaction, later than any stamp before: a register corrected gives the
next view a new key, and so figures computed afresh. Nothing is ever
invalidated; old keys simply stop being asked for and expire.

Where the rollups cannot answer (another database than PostgreSQL, as the
embedded SQLite of `make run`, which reads the raw rows; or a `now` before
the rollups' time with a session ending between), nothing is cached. With
the cache unreachable, `core.cache.TolerantRedisCache` misses and skips the
write: every view computes, as it did without a cache.
"""

import hashlib
import pickle
import zlib
from collections.abc import Callable, Collection
from datetime import date
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from reports import rollups
from reports.periods import Period

TIMEOUT = 24 * 3600  # a key no longer asked for (its months changed) goes within a day


@once
def fingerprint() -> str:
    """The code and templates that make a report's output: the `reports`
    package, the report templates, and the labels of its rows (formats,
    professions, career stages, regions)."""
    here, base = Path(__file__).resolve().parent, Path(settings.BASE_DIR)
    files = sorted(here.glob("*.py")) + sorted(here.glob("templatetags/*.py")) + sorted(
        (base / "templates" / "reports").rglob("*.html")) + [base / "accounts" / "choices.py",
                                                             base / "groups" / "formats.py"]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def published[T](kind: str, *, period: Period, now, programmes: Collection[int] | None, months: tuple[date, date],
                 compute: Callable[[], T], variant: str = "") -> T:
    """`compute()`'s published output, from the cache when these programmes'
    (None: the installation's) rollups of `months` ([first month, month
    after), every month the output reads) have not changed since it was
    kept. `compute` runs within the same `rollups.reading(now)` as the
    check, so the rollups are checked once."""
    with rollups.reading(now):
        latest = rollups.stamp(now, programmes=programmes, start=months[0], end=months[1])
        if latest is None:
            return compute()
        scope = "all" if programmes is None else ",".join(map(str, sorted(programmes)))
        parts = [fingerprint(), kind, variant, scope, period.slug, months[0].isoformat(), months[1].isoformat(),
                 latest]
        key = "reports:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()
        kept: bytes | None = cache.get(key)
        if kept is not None:
            return unpack(kept)
        value = compute()
    cache.set(key, pack(value), TIMEOUT)
    return value


def pack(value: object) -> bytes:
    """Compressed: a quarter's page is about 130 kB of HTML and 8 kB packed."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(packed: bytes):  # noqa: ANN201 (whatever `pack` was given)
    return pickle.loads(zlib.decompress(packed))  # noqa: S301 (our own cache's entries, written by `pack`)
