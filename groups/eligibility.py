"""Who a group is for: professions and/or career stages, or all staff."""

from accounts.choices import CareerStage, Profession
from groups.models import Eligibility, PeerGroup


def eligibility_refusal(group: PeerGroup, user) -> str | None:
    """None when the person may join; otherwise a plain-English reason."""
    rows = list(group.eligibility.all())
    professions = [r.value for r in rows if r.kind == Eligibility.Kind.PROFESSION]
    stages = [r.value for r in rows if r.kind == Eligibility.Kind.CAREER_STAGE]
    if professions and user.profession not in professions:
        names = ", ".join(Profession(p).label.lower() for p in professions if p in Profession.values)
        return f"This group is for {names} only. Your profile says you are a {user.get_profession_display().lower()}."
    if stages and user.career_stage not in stages:
        names = ", ".join(CareerStage(s).label for s in stages if s in CareerStage.values)
        return f"This group is for people at these career stages: {names}."
    return None
