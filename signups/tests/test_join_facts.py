"""JoinFacts: what the checks before a booking or an application ask about
a group, read with the session a booking names or on their own, the same
way either way, and the same as the ORM expressions they are compiled from
once per shape."""

import pytest

from groups.models import Eligibility, GroupSession, PeerGroup
from signups.selectors import JoinFacts, ground_rules_pending, join_facts, join_facts_expressions, session_to_book
from signups.services import ground_rules_accept
from signups.tests.factories import GroundRulesFactory, GroupSessionFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("limited", [False, True])
@pytest.mark.parametrize("rules", ["none", "agreed", "not agreed", "agreed to an older version"])
def test_both_selectors_read_the_same_facts(practitioner, limited, rules):
    group = PeerGroupFactory()
    session = GroupSessionFactory(group=group)
    if limited:
        Eligibility.objects.create(group=group, kind=Eligibility.Kind.PROFESSION, value="nurse")
    current = None
    if rules != "none":
        older = GroundRulesFactory(group=group, version=1)
        current = GroundRulesFactory(group=group, version=2)
        if rules == "agreed":
            ground_rules_accept(user=practitioner, ground_rules=current)
        if rules == "agreed to an older version":
            ground_rules_accept(user=practitioner, ground_rules=older)
    _, with_session = session_to_book(user=practitioner, code=session.code)
    alone = join_facts(user=practitioner, group=group)
    assert with_session == alone
    for model, pk, column in ((GroupSession, session.pk, "group_id"), (PeerGroup, group.pk, "pk")):
        row = model.objects.filter(pk=pk).annotate(**join_facts_expressions(practitioner.pk, column)).get()
        assert alone == JoinFacts(limited=row.join_limited, rules_pending=bool(row.join_rules_pending))
    assert alone.limited is limited
    expected = current if rules in ("not agreed", "agreed to an older version") else None
    assert ground_rules_pending(group=group, facts=alone) == expected


def test_each_person_reads_their_own_agreement(practitioner, outsider):
    """The facts are compiled once, then each person's id is put in: one
    person's agreement never answers for another's."""
    group = PeerGroupFactory()
    session = GroupSessionFactory(group=group)
    ground_rules_accept(user=practitioner, ground_rules=GroundRulesFactory(group=group))
    assert not session_to_book(user=practitioner, code=session.code)[1].rules_pending
    assert session_to_book(user=outsider, code=session.code)[1].rules_pending
    assert join_facts(user=outsider, group=group).rules_pending
