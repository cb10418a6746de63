"""A session's calendar SEQUENCE rises by one with every change a calendar
shows (start, end, status), whichever code saves the change."""

from datetime import timedelta

import pytest

from groups.models import GroupSession
from groups.services import session_cancel, session_move
from groups.tests.factories import GroupSessionFactory

pytestmark = pytest.mark.django_db


def stored_sequence(session: GroupSession) -> int:
    return GroupSession.objects.values_list("sequence", flat=True).get(pk=session.pk)


def test_a_new_session_starts_at_nought():
    assert stored_sequence(GroupSessionFactory()) == 0


def test_a_move_then_a_cancellation_raise_it_by_one_each():
    session = GroupSessionFactory()
    session_move(session=session, starts_at=session.starts_at + timedelta(days=1),
                 ends_at=session.ends_at + timedelta(days=1))
    assert (session.sequence, stored_sequence(session)) == (1, 1)
    session_cancel(session=session, reason="Facilitator unwell")
    assert (session.sequence, stored_sequence(session)) == (2, 2)
    session_cancel(session=session)  # already cancelled: nothing changes
    assert stored_sequence(session) == 2


def test_a_new_length_counts_but_other_edits_do_not():
    session = GroupSessionFactory()
    session.capacity = 4
    session.cancelled_reason = "not shown in calendars"
    session.save()
    assert stored_sequence(session) == 0
    session.ends_at += timedelta(minutes=15)
    session.save(update_fields=["ends_at"])
    assert stored_sequence(session) == 1


def test_two_changes_saved_from_stale_copies_both_count():
    session = GroupSessionFactory()
    first, second = GroupSession.objects.get(pk=session.pk), GroupSession.objects.get(pk=session.pk)
    first.starts_at += timedelta(hours=1)
    first.ends_at += timedelta(hours=1)
    first.save()
    second.status = GroupSession.Status.CANCELLED
    second.save(update_fields=["status"])
    assert stored_sequence(session) == 2
