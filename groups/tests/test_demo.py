from datetime import timedelta

from django.utils import timezone

from core.demo import seed_people
from groups.demo import seed
from groups.formats import Format
from groups.models import GroupSession, PeerGroup
from programmes import demo as programmes_demo


def test_the_demo_has_every_format_and_is_idempotent(db):
    people = seed_people()
    programmes_demo.seed(people)
    seed(people)
    counts = (PeerGroup.objects.count(), GroupSession.objects.count())
    seed(people)

    assert (PeerGroup.objects.count(), GroupSession.objects.count()) == counts
    published = PeerGroup.objects.filter(status="published")
    assert set(published.values_list("format", flat=True)) == set(Format.values)
    assert all(g.sessions.exists() for g in published)
    assert PeerGroup.objects.filter(status="draft").exists()
    assert published.filter(format="balint", membership="closed").exists()
    assert published.filter(delivery="in_person").exclude(venue="").exists()
    assert published.filter(delivery="external", external_url__startswith="https://").exists()
    now = timezone.now()
    assert GroupSession.objects.filter(group__format="common_room", starts_at__lte=now + timedelta(hours=1),
                                       ends_at__gt=now).exists()
    demo_facilitators = {"facilitator@demo.nhs.net", "cofacilitator@demo.nhs.net"}
    for group in PeerGroup.objects.all():
        assert set(group.facilitators.values_list("email", flat=True)) <= demo_facilitators
