from accounts.models import User
from core.demo import seed_people
from programmes import demo
from programmes.access import eligible_programmes
from programmes.models import Programme


def test_the_demo_trust_is_open_to_its_domain_and_its_neighbouring_organisation(db):
    people = seed_people()
    demo.seed(people)
    demo.seed(people)  # idempotent
    trust = Programme.objects.get(name=demo.TRUST)
    assert list(trust.organisations.values_list("ods_code", flat=True)) == [demo.NEIGHBOUR[0]]
    by_organisation = User.objects.get(email="physio@demo.nhs.net")
    assert by_organisation.email.endswith("@demo.nhs.net")  # not the trust's domain
    assert trust in eligible_programmes(by_organisation)
    assert trust in eligible_programmes(User.objects.get(email=f"nurse@{demo.TRUST_DOMAIN}"))
    assert trust not in eligible_programmes(User.objects.get(email="nurse@demo.nhs.net"))
