"""SQL built by the ORM once and then run again with new values.

Building a query through the ORM costs far more CPU than running it (about
a quarter of a reminder's CPU in bench S4 went on building one UPDATE). For a
statement run once per row in a hot loop, `KeptUpdate` builds it the normal
way with marker values, keeps the SQL, notes which parameters carry which
value, and from then on only passes new values; `keep` does the same for
any compiled SQL (sign-ups' JoinFacts expressions). The statement's meaning is
written once, as ORM code, and used both ways.

It keeps a statement only when that is safe to do: the same SQL whatever
the values, and each value reaching the database as given (so nothing is
converted per value). Otherwise (SQLite converts datetimes to text, for
example) it builds through the ORM every time, as if it were not there.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet, sql

# The marker for each kind of value: two sets, so a value that is not passed
# through unchanged, or SQL that depends on a value, shows as a difference.
_MARKS: dict[type, tuple[Callable[[int], Any], Callable[[int], Any]]] = {
    int: (lambda n: -90_000_001 - n, lambda n: -80_000_001 - n),
    datetime: (lambda n: datetime(2001, 1, 1, tzinfo=UTC) + timedelta(seconds=n),
               lambda n: datetime(2002, 2, 2, tzinfo=UTC) + timedelta(seconds=n)),
}

Builder = Callable[..., tuple[QuerySet, dict[str, Any]]]


Slots = list[tuple[str | None, Any]]  # per parameter: the value's name, or (None, the constant)


def keep(compile: Callable[[dict[str, Any]], tuple[str, Sequence[Any]]],
         kinds: dict[str, type]) -> tuple[str, Slots] | None:
    """The SQL `compile(values)` gives for any `values` (each keyword an int
    or an aware datetime, as `kinds` says) and where each value goes, found
    by compiling twice with two sets of markers; None when that is not safe:
    the SQL depends on a value, or a value is converted on its way."""
    first = {name: _MARKS[kind][0](n) for n, (name, kind) in enumerate(kinds.items())}
    second = {name: _MARKS[kind][1](n) for n, (name, kind) in enumerate(kinds.items())}
    sql_one, params_one = compile(first)
    sql_two, params_two = compile(second)
    if sql_one != sql_two or len(params_one) != len(params_two):
        return None
    by_mark = {(type(v), v): name for name, v in first.items()}
    slots: Slots = []
    for one, two in zip(params_one, params_two, strict=True):
        name = by_mark.get((type(one), one))
        if name is not None and second[name] == two and type(two) is type(one):
            slots.append((name, None))
        elif one == two:
            slots.append((None, one))  # a constant of the statement
        else:
            return None  # a value converted on its way: not safe to keep
    # A value found in no parameter changed neither the SQL nor them: unused.
    return sql_one, slots


def fill(slots: Slots, values: dict[str, Any]) -> list[Any]:
    """The parameters of a kept statement for these values."""
    return [values[name] if name else constant for name, constant in slots]


class KeptUpdate:
    """`build(**values)` returns the rows to update and what to set; every
    keyword is an int or an aware datetime. `execute(connection, **values)`
    returns the number of rows updated."""

    def __init__(self, build: Builder, **kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._kept: dict[str, tuple[str, Slots] | None] = {}

    def _compile(self, alias: str, values: dict[str, Any]) -> tuple[str, tuple]:
        rows, fields = self.build(**values)
        query = rows.query.chain(sql.UpdateQuery)
        query.add_update_values(fields)
        return query.get_compiler(alias).as_sql()

    def execute(self, connection, **values: Any) -> int:
        alias = connection.alias
        if alias not in self._kept:
            self._kept[alias] = keep(lambda marks: self._compile(alias, marks), self.kinds)
        kept = self._kept[alias]
        if kept is None:
            rows, fields = self.build(**values)
            return rows.using(alias).update(**fields)
        statement, slots = kept
        with connections[alias].cursor() as cursor:
            cursor.execute(statement, fill(slots, values))
            return cursor.rowcount
