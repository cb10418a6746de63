"""JoinFacts: what the checks before a booking or an application ask about
a group, read with the session a booking names or on their own, the same
way either way."""

import pytest

from groups.models import Eligibility
from signups.selectors import ground_rules_pending, join_facts, session_to_book
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
    assert alone.limited is limited
    expected = current if rules in ("not agreed", "agreed to an older version") else None
    assert ground_rules_pending(group=group, facts=alone) == expected
