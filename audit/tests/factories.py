import factory
from django.utils import timezone

from audit.models import AuditEvent


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor_role = "facilitator"
    action = "roster.view"
    object_type = "groups.groupsession"
    object_code = factory.Sequence(lambda n: f"code{n}")
    at = factory.LazyFunction(timezone.now)
