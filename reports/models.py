"""Rollups: the report's figures kept as small aggregate tables, so a report
reads a few hundred rows whatever the number of bookings (docs/reports.md).

Every table here is derived from the raw rows (sessions, bookings, feedback,
the purge's summaries, people's profiles) and can be rebuilt from them
(`manage.py rollups_rebuild`). `reports.rollups` keeps them true; only
`reports.selectors` reads them. Ids are plain integers, not foreign keys: a
rollup never holds up, or is cascaded by, a change to what it counts.

Months are London months, as `reports.periods` defines them. A session is
*held* as of `RollupState.rolled_up_to`: scheduled and ended by then.
"""

from django.db import models


def _count() -> models.IntegerField:
    return models.IntegerField(default=0, db_default=0)


class RollupState(models.Model):
    """One row: the time the rollups are true as of."""

    rolled_up_to = models.DateTimeField()
    needs_rebuild = models.BooleanField(default=True)


class RollupChange(models.Model):
    """A change to a raw row the rollups count, written by database triggers
    (migration 0002) in the changing transaction: the session and/or person
    whose rollups to recompute at the next catch-up."""

    id = models.BigAutoField(primary_key=True)
    session_id = models.BigIntegerField(null=True)
    user_id = models.BigIntegerField(null=True)


class Measures(models.Model):
    """The additive figures of a session or a cell (`reports.rollups.MEASURES`):
    places and their outcomes, what the purge's summaries kept, feedback."""

    places_booked = _count()
    attended = _count()
    no_show = _count()
    not_recorded = _count()
    summarised = _count()
    summarised_places_booked = _count()
    summarised_attended = _count()
    summarised_no_show = _count()
    summarised_not_recorded = _count()
    responses = _count()
    score_1 = _count()
    score_2 = _count()
    score_3 = _count()
    score_4 = _count()
    score_5 = _count()
    helpfulness_sum = _count()

    class Meta:
        abstract = True


class SessionRollup(Measures):
    """One session's figures: `dimension` "" is the whole session; a profile
    dimension ("profession", …) has a row per `value` with its confirmed places."""

    session_id = models.BigIntegerField()
    programme_id = models.BigIntegerField()
    format = models.CharField(max_length=20)
    month = models.DateField()
    status = models.CharField(max_length=10)
    ends_at = models.DateTimeField()
    dimension = models.CharField(max_length=12, blank=True)
    value = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["session_id"], name="sessionrollup_session"),
            # sessions ending after the rollups' time: the cheap check before a read
            models.Index(fields=["ends_at"], name="sessionrollup_ends", condition=models.Q(dimension="")),
        ]


class CellRollup(Measures):
    """Totals of one (programme, format, London month) for one breakdown cell:
    `dimension` "" is every session of the cell, a profile dimension has a row
    per `value`. Sessions scheduled and cancelled count every session; all
    other figures count held sessions only."""

    programme_id = models.BigIntegerField()
    format = models.CharField(max_length=20)
    month = models.DateField()
    dimension = models.CharField(max_length=12, blank=True)
    value = models.CharField(max_length=20, blank=True)
    sessions_scheduled = _count()
    sessions_cancelled = _count()
    sessions_held = _count()

    class Meta:
        indexes = [models.Index(fields=["month", "dimension"], name="cellrollup_month")]


class PersonYear(models.Model):
    """One person in one programme's groups (`programme_id` 0: any
    programme's) of one format (`format` "": any format) in one London year:
    the months they attended a held session, and the months they waited
    without a place, as bit masks (bit 0: January); with what their month
    counts (`PeriodPeople`) need: their profile and their first month in the
    programme (`PersonFirst`), as of the rollups' time."""

    user_id = models.BigIntegerField()
    programme_id = models.BigIntegerField()
    year = models.SmallIntegerField()
    format = models.CharField(max_length=20, blank=True)
    attended = models.IntegerField()
    waited = models.IntegerField()
    first_month = models.DateField(null=True)
    profession = models.CharField(max_length=20, blank=True, default="")
    career_stage = models.CharField(max_length=20, blank=True, default="")
    region = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["year", "format", "programme_id", "user_id"], name="personyear_read",
                         include=["attended", "waited"]),
            models.Index(fields=["user_id"], name="personyear_user"),
        ]


class PersonFirst(models.Model):
    """The London month of a person's first attendance in a programme's
    groups (`programme_id` 0: any programme's; any scheduled session, held
    or not): "new" participants."""

    user_id = models.BigIntegerField()
    programme_id = models.BigIntegerField()
    first_month = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["programme_id", "user_id"], name="personfirst_read", include=["first_month"]),
            models.Index(fields=["user_id"], name="personfirst_user"),
        ]


class PeriodPeople(models.Model):
    """Distinct people of one programme's groups (`programme_id` 0: any
    programme's) of one format (`format` "": any format) in one calendar
    period of one London year: the `months` months (1: a month, 3: a
    quarter, 12: the year) from `month`. Counted from `PersonYear` (a row
    a person, so each counts once however many of its months they came)
    and `PersonFirst`: those who attended a held session in the period,
    those of them new (their first attendance in the programme in the
    period) and those who waited without a place. `dimension` "" counts
    everyone; a profile dimension (any format only) has a row per `value`.
    A report of one programme or of the installation reads these rows, not
    a person's row per person."""

    programme_id = models.BigIntegerField()
    format = models.CharField(max_length=20, blank=True)
    month = models.DateField()
    months = models.SmallIntegerField()
    dimension = models.CharField(max_length=12, blank=True)
    value = models.CharField(max_length=20, blank=True)
    participants = models.IntegerField()
    new = models.IntegerField()
    waited = models.IntegerField()

    class Meta:
        # a report's people: its programme's rows of the period's months
        indexes = [models.Index(fields=["programme_id", "month", "format"], name="periodpeople_read")]


class RollupStamp(models.Model):
    """When the rollup rows of one programme's London month (`programme_id`
    0: the installation's people) last changed: written by every catch-up
    for each month whose cells or people it recomputed, and by a rebuild
    for every month (`reports.rollups`). Published reports are cached keyed
    by the latest stamp of their programmes' months (`reports.cache`), so a
    change to any figure a report reads gives it a new key. Stamps only
    increase: each is later than every stamp before it."""

    programme_id = models.BigIntegerField()
    month = models.DateField()
    changed = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme_id", "month"], name="rollupstamp_one")]
