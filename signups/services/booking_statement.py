"""A booking in one round trip on PostgreSQL.

Every attempt at a session queues for that session's row lock (bench S1: a
thousand people at once, most of them only joining the waiting list), so
what matters is how long each holds it. Here the lock, a fresh count of the
places and the insert go to the server in one message, run as one implicit
transaction and commit there: the lock is held while the server works,
never while a reply travels to the web process and the next query back.

They are two statements, not one: a statement sees the database as it was
when it started, so a count in the same statement as the lock would miss
the places booked while it waited for it. The second statement starts
after the lock is granted and sees them all. Both are sent together because
Django's PostgreSQL cursor binds parameters on the client (psycopg's
ClientCursor sends a parameterised query as one simple query).

Only the common case is done here: a person with no booking row at this
session, still open, whose group is still in the programme the caller's
checks saw. Anything else changes nothing here and is left to the ORM path
under the lock (`bookings._book_under_lock`), which says why or reuses the
person's row. SQLite (`make run`) always takes that path.

So the decision (a place, a place in the queue, or full; open or not) is
written twice: here in SQL and there with the ORM. Both remain because the
ORM cannot send the lock and the write in one message, and the statement
cannot say why a booking is refused, reuse a cancelled row or ask
`visible_groups` about a programme move. What each reads is the same:
`effective_capacity` is `COALESCE(NULLIF(capacity, 0), group capacity)`,
`booking_window_open` is the `opens` column, `check_session_open` the
status. `signups/tests/test_booking_paths.py` runs both on every
combination of capacities, places taken, format, timing and queueing, and
fails if they ever decide differently.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field

from groups.models import GroupSession, PeerGroup
from signups.models import Booking
from signups.services.rules import is_drop_in

# Set in the statement, after the lock: the rest come from the unsaved booking.
_DECIDED = {
    "status": "CASE WHEN fresh.has_place THEN %(confirmed)s ELSE %(waitlisted)s END",
    "queued_at": "CASE WHEN fresh.has_place THEN NULL ELSE fresh.stamp END",
    "confirmed_at": "CASE WHEN fresh.has_place THEN fresh.stamp END",
    "created_at": "fresh.stamp",
    "updated_at": "fresh.stamp",
}


@dataclass(frozen=True)
class Outcome:
    booking: Booking | None  # saved (a place or a place in the queue), or None
    full: bool  # the session is open to this person but has no place left for them


def one_statement_available() -> bool:
    return connection.vendor == "postgresql"


@cache
def _sql(fields: "tuple[Field[Any, Any], ...]", opens: str) -> str:
    """The same text for every booking of this shape: built once."""
    quote = connection.ops.quote_name
    booking, session, group = (quote(m._meta.db_table) for m in (Booking, GroupSession, PeerGroup))
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    values = ", ".join(_DECIDED.get(f.attname, f"%(f_{f.attname})s") for f in fields)
    # Identifiers from the models, quoted; every value is a parameter.
    return f"""
        SELECT 1 FROM {session} WHERE id = %(session)s FOR UPDATE;
        WITH clock AS (SELECT COALESCE(CAST(%(now)s AS timestamptz), clock_timestamp()) AS stamp),
        fresh AS (
            SELECT s.id AS session_id, clock.stamp,
                   s.status = %(scheduled)s AND g.programme_id = %(programme)s
                   AND s.{quote(opens)} > clock.stamp
                   AND NOT EXISTS (SELECT 1 FROM {booking} o WHERE o.session_id = s.id AND o.user_id = %(user)s)
                   AS open,
                   (SELECT count(*) FROM {booking} b WHERE b.session_id = s.id AND b.status = %(confirmed)s)
                   < COALESCE(NULLIF(s.capacity, 0), g.capacity) AS has_place
            FROM {session} s JOIN {group} g ON g.id = s.group_id CROSS JOIN clock
            WHERE s.id = %(session)s
        ),
        booked AS (
            INSERT INTO {booking} ({columns})
            SELECT {values} FROM fresh WHERE fresh.open AND (fresh.has_place OR %(join_waitlist)s)
            RETURNING id, status, queued_at, confirmed_at, created_at, updated_at
        )
        SELECT fresh.open, booked.* FROM fresh LEFT JOIN booked ON true
    """  # noqa: S608


def book_in_one_statement(booking: Booking, *, programme_id: int, join_waitlist: bool,
                          now: datetime | None) -> Outcome | None:
    """Save `booking` (unsaved, for a person with no row at its session) as a
    place or, with `join_waitlist`, a place in the queue; stamped under the
    lock (`now` when given, for tests). None: not the common case, nothing
    changed."""
    session = booking.session
    fields = tuple(f for f in Booking._meta.concrete_fields if not f.primary_key)
    params = {f"f_{f.attname}": f.get_db_prep_save(getattr(booking, f.attname), connection)
              for f in fields if f.attname not in _DECIDED}
    params.update(
        session=session.pk, user=booking.user_id, programme=programme_id, now=now, join_waitlist=join_waitlist,
        scheduled=GroupSession.Status.SCHEDULED, confirmed=Booking.Status.CONFIRMED,
        waitlisted=Booking.Status.WAITLISTED,
    )
    # A drop-in room takes people until it ends; other sessions until they start.
    sql = _sql(fields, "ends_at" if is_drop_in(session.group) else "starts_at")
    # Alone (autocommit) the two statements are one transaction of their own;
    # inside a caller's transaction, a savepoint keeps a failure to this part.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.nextset()
            row = cursor.fetchone()
    if row is None:  # the session is gone: the ORM path says so
        return None
    is_open, pk, status, queued_at, confirmed_at, created_at, updated_at = row
    if pk is None:
        return Outcome(booking=None, full=True) if is_open else None
    booking.pk, booking.status, booking.queued_at, booking.confirmed_at = pk, status, queued_at, confirmed_at
    booking.created_at, booking.updated_at = created_at, updated_at
    booking._state.adding, booking._state.db = False, connection.alias
    return Outcome(booking=booking, full=False)

