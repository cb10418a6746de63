"""Attack the published feedback figures: read everything the CSV shows (counts,
totals, means) and solve for the hidden counts by brute force over every
integer assignment consistent with it. No hidden count may be pinned down.

The attacker knows the rules: 0 is shown as 0, a shown count c is the rounding
of a true count of at least 8 in c-2..c+2, `*` is a count of at least 1 (small
counts and the non-zero parts hidden with them), and a mean shown as 4.6 is a
true mean in [4.55, 4.65). They do not use *which* cells the rules chose to
hide, only the values shown.

The search is exact over bounded counts (each at most the largest total the
figures allow): a dynamic programme over the five ratings whose state is each
unknown row's (responses, sum of ratings) so far.

A whole report (every table of a quarter or a year) is attacked with linear
algebra instead: every equation the tables imply (each column adds up to its
"All ..." row, which is one set of cells in every table; within each row
places, participants and responses add up; each shown rate and mean ties its
counts), with the shown figures taken as exact (more than the attacker
knows: they are rounded), solved exactly for the hidden cells
(`reports.tests.solver`). No hidden cell may be determined."""

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from groups.formats import Format
from reports.export import report_rows
from reports.periods import Period, PeriodKind
from reports.report import NOT_AVAILABLE, NOT_STATED, PROFILE, RATES, ROW_SUMS, Report, report_from_counts
from reports.selectors import ALL
from reports.tests import solver

APRIL = Period(PeriodKind.MONTH, 2026, 4)
FORMATS = [value for value, _label in Format.choices]
LABELS = dict(Format.choices)
FEEDBACK_CAPTIONS = ("Feedback on helpfulness by format", "Feedback on helpfulness by month")
UNBOUNDED = 150  # a count with no shown bound at all; above anything generated


def raw_feedback(distributions: dict[str, list[int]]) -> dict[tuple, int | float | None]:
    """Raw figures as the selectors return them, for feedback by format in April."""
    raw: dict[tuple, int | float | None] = {}
    rows = [(("format", fmt), scores) for fmt, scores in distributions.items()]
    total = [sum(scores[n] for scores in distributions.values()) for n in range(5)]
    rows += [((ALL, ALL), total), (("month", date(2026, 4, 1)), total)]
    for (dimension, row), scores in rows:
        responses = sum(scores)
        raw[(dimension, row, "responses")] = responses
        raw[(dimension, row, "mean")] = (
            sum((n + 1) * c for n, c in enumerate(scores)) / responses if responses else None)
        for n, count in enumerate(scores):
            raw[(dimension, row, f"score_{n + 1}")] = count
    return raw


def shown_views(distributions: dict[str, list[int]]) -> dict[frozenset, dict[str, str]]:
    """What the CSV shows about each set of formats, keyed by the formats a
    row adds up (a format row; "All formats", the month and "All months" are
    the same set). Several rows about one set are all kept (as lists)."""
    report = report_from_counts(raw=raw_feedback(distributions), period=APRIL)
    views: dict[frozenset, dict[str, list[str]]] = {}
    labels = {label: value for value, label in LABELS.items()}
    for caption, row, measure, value in list(report_rows(report))[1:]:
        if not caption.startswith(FEEDBACK_CAPTIONS):
            continue
        formats = frozenset([labels[row]]) if row in labels else frozenset(FORMATS)
        views.setdefault(formats, {}).setdefault(measure, []).append(value)
    return views


def count_domain(texts: list[str], bound: int) -> range | None:
    """The true counts each shown text allows (intersected); None if none."""
    low, high = 0, bound
    for text in texts:
        if text == "0":
            low, high = max(low, 0), min(high, 0)
        elif text == "*":
            low = max(low, 1)
        else:
            shown = int(text)
            low, high = max(low, shown - 2, 8), min(high, shown + 2)
    return range(low, high + 1) if low <= high else None


def mean_allows(texts: list[str], responses: int, ratings: int) -> bool:
    for text in texts:
        if text == "–":
            if responses:
                return False
        elif text != "*":
            tenths = int(Decimal(text) * 10)
            # text is the true mean rounded half up to one place
            if not responses or not (2 * tenths - 1) * responses <= 20 * ratings < (2 * tenths + 1) * responses:
                return False
    return True


def solve(views: dict[frozenset, dict[str, list[str]]]) -> dict[tuple[str, int], set[int]]:
    """Every value each (format, rating) count, and each (ALL, rating) total,
    can take over all assignments consistent with what is shown. Formats
    shown with 0 responses are 0."""
    everything = views[frozenset(FORMATS)]
    unknown = [fmt for fmt in FORMATS if views[frozenset([fmt])]["Responses"] != ["0"]]
    total_bound = count_domain(everything["Responses"], UNBOUNDED)
    assert total_bound is not None
    bound = total_bound[-1]
    # each constraint: (indices of the unknown formats it adds up, its shown figures)
    constraints = []
    for formats, shown in views.items():
        members = tuple(i for i, fmt in enumerate(unknown) if fmt in formats)
        if members:
            constraints.append((members, shown))
    domains = [{c: count_domain(shown[f"Rated {n} of 5"], bound) for c, (_m, shown) in enumerate(constraints)}
               for n in range(1, 6)]
    cell = [[count_domain(views[frozenset([fmt])][f"Rated {n} of 5"], bound) for fmt in unknown]
            for n in range(1, 6)]

    def choices(n: int):
        """Each tuple of counts (one an unknown format) allowed for rating n."""
        picks = [()]
        for values in cell[n - 1]:
            picks = [(*p, v) for p in picks for v in values]
        for pick in picks:
            if all(sum(pick[i] for i in members) in domains[n - 1][c]
                   for c, (members, _shown) in enumerate(constraints)):
                yield pick

    def step(state: tuple, pick: tuple, n: int) -> tuple:
        return tuple(x for i, v in enumerate(pick) for x in (state[2 * i] + v, state[2 * i + 1] + n * v))

    start = tuple(0 for _ in range(2 * len(unknown)))
    reachable = [{start}]
    for n in range(1, 6):
        picks = list(choices(n))
        nxt = {step(s, p, n) for s in reachable[-1] for p in picks}
        reachable.append({s for s in nxt if all(s[2 * i] <= bound for i in range(len(unknown)))})

    def final(state: tuple) -> bool:
        for members, shown in constraints:
            responses = sum(state[2 * i] for i in members)
            ratings = sum(state[2 * i + 1] for i in members)
            domain = count_domain(shown["Responses"], bound)
            if domain is None or responses not in domain or not mean_allows(shown["Mean rating"], responses, ratings):
                return False
        return True

    good = [set() for _ in range(6)]
    good[5] = {s for s in reachable[5] if final(s)}
    values: dict[tuple[str, int], set[int]] = {(fmt, n): set() for fmt in unknown for n in range(1, 6)}
    for n in range(5, 0, -1):
        for pick in choices(n):
            for state in reachable[n - 1]:
                if step(state, pick, n) in good[n]:
                    good[n - 1].add(state)
                    for i, fmt in enumerate(unknown):
                        values[(fmt, n)].add(pick[i])
                    values.setdefault((ALL, n), set()).add(sum(pick))
    return values


def hidden_cells(views) -> list[tuple[str, int]]:
    return [(fmt, n) for fmt in FORMATS for n in range(1, 6)
            if views[frozenset([fmt])][f"Rated {n} of 5"] == ["*"]]


def assert_nothing_hidden_is_pinned(distributions):
    views = shown_views(distributions)
    values = solve(views)
    for fmt, n in hidden_cells(views):
        true = distributions[fmt][n - 1]
        assert true in values[(fmt, n)], "the solver must find the truth"
        assert len(values[(fmt, n)]) >= 2, (fmt, n, values[(fmt, n)], views)
    totals = views[frozenset(FORMATS)]
    for n in range(1, 6):
        if "*" in totals[f"Rated {n} of 5"]:
            assert len(values[(ALL, n)]) >= 2, (n, values[(ALL, n)], views)


def test_the_issues_example_no_longer_gives_away_the_one_low_rating():
    # 10 responses: one "1", nine "5"; ratings 2-4 are 0, the mean was 4.6
    distributions = {Format.BALINT: [1, 0, 0, 0, 9]}
    shown = shown_views(distributions)[frozenset([Format.BALINT])]
    assert shown["Rated 1 of 5"] == ["*"]
    assert shown["Mean rating"] == ["*"]
    assert_nothing_hidden_is_pinned(distributions)


def test_a_mean_is_still_shown_when_nothing_it_comes_from_is_hidden():
    shown = shown_views({Format.BALINT: [0, 0, 10, 20, 12]})[frozenset([Format.BALINT])]
    assert shown["Mean rating"] == ["4.0"]


scores = st.one_of(st.integers(0, 9), st.integers(0, 16))
distribution = st.lists(scores, min_size=5, max_size=5)


@settings(max_examples=60, deadline=None)
@given(distribution)
def test_no_hidden_count_of_one_distribution_can_be_solved(ratings):
    assert_nothing_hidden_is_pinned({Format.BALINT: ratings})


# --- A whole report, by linear algebra ---------------------------------------

QUARTER = Period(PeriodKind.QUARTER, 2026, 2)
YEAR = Period(PeriodKind.YEAR, 2025, 1)
PLACES = ("attended", "no_show", "not_recorded")
PEOPLE = ("new", "returning", "waited")  # participants = new + returning
SCORES = ROW_SUMS["responses"]
few = st.one_of(st.just(0), st.integers(0, 9), st.integers(0, 30))  # mostly near the threshold


@st.composite
def raw_report(draw, period: Period) -> dict[tuple, int | float | None]:
    """Raw figures of a report as the selectors give them: drawn per format
    and month (some formats never run), the format and month rows and the
    whole period as their sums, and each whole-period count shared out over
    the rows of each profile table with uneven weights (a few professions
    and regions have most people). Occasionally one format and month has a
    summarised session (its people figures not available)."""
    running = [fmt for fmt in FORMATS if draw(st.booleans())] or FORMATS[:1]
    raw: dict[tuple, int | float | None] = {}

    def add(key: tuple, figures: dict[str, int]) -> None:
        for measure, value in figures.items():
            raw[(*key, measure)] = raw.get((*key, measure), 0) + value

    for fmt in running:
        for month in period.months():
            figures = {m: draw(few) for m in (*PLACES, *PEOPLE, *SCORES)}
            figures |= {"places_booked": sum(figures[m] for m in PLACES),
                        "participants": figures["new"] + figures["returning"],
                        "responses": sum(figures[m] for m in SCORES), "sessions_held": 1}
            for key in ((ALL, ALL), ("format", fmt), ("month", month)):
                add(key, figures)
    for key in {key[:2] for key in raw}:
        responses = raw[(*key, "responses")]
        ratings = sum((n + 1) * (raw[(*key, score)] or 0) for n, score in enumerate(SCORES))
        raw[(*key, "mean")] = ratings / responses if responses else None
    shares = random.Random(draw(st.integers(0, 2**32)))
    for dimension, choices in PROFILE.items():
        rows = [*choices.values, NOT_STATED[0]]
        weights = [shares.paretovariate(1) for _row in rows]
        for measure in (*PLACES, *PEOPLE):
            for row in shares.choices(rows, weights, k=int(raw[(ALL, ALL, measure)] or 0)):
                add((dimension, row), {measure: 1})
        for row in rows:
            add((dimension, row), {"places_booked": sum(raw.get((dimension, row, m), 0) for m in PLACES),
                                   "participants": sum(raw.get((dimension, row, m), 0) for m in ("new", "returning"))})
    if draw(st.integers(0, 9)) == 0:
        month = draw(st.sampled_from(period.months()))
        for key in ((ALL, ALL), ("format", running[0]), ("month", month)):
            raw[(*key, "summarised")] = 1
    return raw


def published_cells(report: Report) -> dict[tuple, object]:
    """Every count, rate and mean the report shows, keyed (dimension, row,
    measure); the whole-period row is the same key in every table."""
    cells = {}
    for table in report.tables:
        dimension = table.slug.removeprefix("feedback_")
        for row in table.rows:
            for cell in row.cells:
                key = (ALL, ALL, cell.measure.slug) if row.is_total else (dimension, row.key, cell.measure.slug)
                assert cells.setdefault(key, cell.value) == cell.value, key
    return cells


def report_equations(report: Report, shown: dict[tuple, object]) -> list[dict[tuple, Fraction]]:
    """Every linear relation a reader knows between the report's cells."""
    one = Fraction(1)
    equations = []
    for table in report.tables:
        dimension = table.slug.removeprefix("feedback_")
        slugs = [m.slug for m in table.measures]
        parts = [row.key for row in table.rows if not row.is_total]
        for measure in table.measures:
            if measure.kind == "count":
                equations.append({(ALL, ALL, measure.slug): one}
                                 | {(dimension, row, measure.slug): -one for row in parts})
        for row in [(dimension, key) for key in parts] + [(ALL, ALL)]:
            for total, summed in ROW_SUMS.items():
                if total in slugs:
                    equations.append({(*row, total): one} | {(*row, part): -one for part in summed})
            mean = shown.get((*row, "mean"))
            if isinstance(mean, Decimal):
                equations.append({(*row, score): Fraction(n + 1) for n, score in enumerate(SCORES)}
                                 | {(*row, "responses"): -Fraction(mean)})
            for rate, (numerator, denominator) in RATES.items():
                value = shown.get((*row, rate))
                if rate in slugs and isinstance(value, int):
                    equations.append({(*row, numerator): Fraction(100), (*row, denominator): -Fraction(value)})
    return equations


def determined_hidden_cells(raw: dict, period: Period) -> set[tuple]:
    """The hidden counts of the report of `raw` that its equations pin down
    (figures not available are unknowns too, but not secrets)."""
    report = report_from_counts(raw=raw, period=period)
    shown = published_cells(report)
    hidden = [key for key, value in shown.items() if value is None]
    unknown = [*hidden, *(key for key, value in shown.items() if value == NOT_AVAILABLE)]
    return solver.pinned_down(unknown, report_equations(report, shown)) & set(hidden)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([QUARTER, YEAR]).flatmap(lambda period: st.tuples(st.just(period), raw_report(period))))
def test_no_hidden_count_of_a_report_can_be_solved(period_and_raw):
    period, raw = period_and_raw
    assert determined_hidden_cells(raw, period) == set()
