"""Who a group is for: professions and/or career stages, or all staff.

One wording for the card, the group page and the refusal, so a person reads
who a group is for before they do anything, in the same words."""

from accounts.choices import CareerStage, Profession
from groups.models import Eligibility, PeerGroup

# "This group is for doctors only": professions in the plural, lower case
# except where a label starts with a name.
PLURALS = {
    Profession.DOCTOR: "doctors",
    Profession.NURSE: "nurses",
    Profession.MIDWIFE: "midwives",
    Profession.AHP: "allied health professionals",
    Profession.PARAMEDIC: "paramedics",
    Profession.PHARMACIST: "pharmacists",
    Profession.DENTIST: "dentists",
    Profession.HEALTHCARE_SCIENTIST: "healthcare scientists",
    Profession.PSYCHOLOGICAL: "psychological professionals",
    Profession.SUPPORT: "clinical support staff",
    Profession.ADMIN: "administrative, estates and managerial staff",
    Profession.STUDENT: "students",
    Profession.OTHER: "other staff",
}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _rows(group: PeerGroup) -> tuple[list[str], list[str]]:
    rows = sorted(group.eligibility.all(), key=lambda r: r.value)  # prefetched on list pages
    professions = [r.value for r in rows if r.kind == Eligibility.Kind.PROFESSION and r.value in PLURALS]
    stages = [r.value for r in rows if r.kind == Eligibility.Kind.CAREER_STAGE and r.value in CareerStage.values]
    return professions, stages


def _professions(values: list[str]) -> str:
    return _and([PLURALS[Profession(v)] for v in values])


def _stages(values: list[str]) -> str:
    return _and([CareerStage(v).label for v in values])


def audience(group: PeerGroup) -> str:
    """"All staff", "Doctors and nurses", "All staff at these career stages:
    Foundation Year 1 and Foundation Year 2"."""
    professions, stages = _rows(group)
    who = _professions(professions) if professions else "all staff"
    if stages:
        who = f"{who} at these career stages: {_stages(stages)}"
    return who[0].upper() + who[1:]


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def eligibility_refusal(group: PeerGroup, user) -> str | None:
    """None when the person may join; otherwise a plain-English reason."""
    professions, stages = _rows(group)
    if professions and user.profession not in professions:
        if user.profession in Profession.values:
            yours = f" Your profile says you are {_article(user.get_profession_display().lower())}."
        else:
            yours = ""
        return f"This group is for {_professions(professions)} only.{yours}"
    if stages and user.career_stage not in stages:
        return f"This group is for people at these career stages: {_stages(stages)}."
    return None
