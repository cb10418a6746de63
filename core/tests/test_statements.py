"""core.statements.KeptUpdate: the kept SQL does exactly what the ORM would."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from core.statements import KeptUpdate
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
Status = Notification.Status


def _sent(pk: int, token, now):
    rows = Notification.objects.filter(pk=pk, status=Status.SENDING, claimed_at=token)
    return rows, {"status": Status.SENT, "sent_at": now, "last_error": "", "shown_at": Coalesce(F("shown_at"), now)}


def _claimed(**fields):
    now = timezone.now()
    return NotificationFactory(status=Status.SENDING, claimed_at=now - timedelta(seconds=5), **fields)


def _state(row):
    row.refresh_from_db()
    return row.status, row.sent_at, row.last_error, row.shown_at


@pytest.mark.parametrize("shown", [False, True])
def test_it_updates_what_the_orm_would_and_only_while_the_filter_holds(shown):
    kept = KeptUpdate(_sent, pk=int, token=type(timezone.now()), now=type(timezone.now()))
    now = timezone.now()
    earlier = now - timedelta(hours=1)
    ours, by_orm, lost = (_claimed(shown_at=earlier if shown else None, last_error="x") for _ in range(3))
    assert kept.execute(connection, pk=ours.pk, token=ours.claimed_at, now=now) == 1
    rows, fields = _sent(by_orm.pk, by_orm.claimed_at, now)
    assert rows.update(**fields) == 1
    assert _state(ours) == _state(by_orm) == (Status.SENT, now, "", earlier if shown else now)
    # Another claim, another row, a second call: nothing changes.
    assert kept.execute(connection, pk=lost.pk, token=lost.claimed_at + timedelta(seconds=1), now=now) == 0
    assert kept.execute(connection, pk=ours.pk, token=ours.claimed_at, now=now) == 0
    assert _state(lost)[0] == Status.SENDING


def test_it_keeps_the_sql_on_postgresql_and_builds_each_time_where_values_are_converted():
    kept = KeptUpdate(_sent, pk=int, token=type(timezone.now()), now=type(timezone.now()))
    row = _claimed()
    kept.execute(connection, pk=row.pk, token=row.claimed_at, now=timezone.now())
    statement = kept._kept[connection.alias]
    if connection.vendor == "postgresql":
        assert statement is not None
        names = [name for name, _ in statement[1] if name]
        assert sorted(names) == ["now", "now", "pk", "token"]
    else:  # SQLite turns datetimes into text: the ORM builds it every time
        assert statement is None


def test_sql_that_depends_on_a_value_is_never_kept():
    def by_sign(pk: int):
        rows = Notification.objects.filter(pk=pk)
        # A value that changes the SQL's shape, not only a parameter.
        return rows, {"last_error": Concat(Value("a"), Value("b")) if pk > -85_000_000 else "c"}

    kept = KeptUpdate(by_sign, pk=int)
    row = _claimed()
    assert kept.execute(connection, pk=row.pk) == 1
    assert kept._kept[connection.alias] is None
    row.refresh_from_db()
    assert row.last_error == "ab"
