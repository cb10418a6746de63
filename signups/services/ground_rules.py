from django.db import transaction

from accounts.models import User
from groups.models import GroundRules
from signups.models import GroundRulesAcceptance


@transaction.atomic
def ground_rules_accept(*, user: User, ground_rules: GroundRules) -> GroundRulesAcceptance:
    """Keep when this person agreed to this version; agreeing again changes nothing."""
    acceptance, _ = GroundRulesAcceptance.objects.get_or_create(user=user, ground_rules=ground_rules)
    return acceptance
