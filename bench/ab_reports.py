"""In-process A/B of the reports page: main's views (a checkout given by
AB_MAIN, default /work/main) against this tree's, interleaved request by
request through the whole middleware stack (Django's test client), on the
bench database (BENCH_DATABASE_URL, BENCH_REDIS_URL) as S6 builds it, with
a month of history added (AB_PEOPLE people, so the report has figures to
suppress). Not part of `python -m bench`: run it by hand,

    python -m bench.ab_reports [rounds] [profile]

and it prints ms per request (median, p95) for main, this tree with the
report cache warm, and this tree with it cold (the cache's keys forgotten
before each request)."""

import cProfile
import importlib.util
import os
import pstats
import random
import statistics
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

from bench.common import pct, setup_django


def _history(people: int) -> None:
    """Last month: sessions of three groups, booked by `people` people, with
    registers (attended / did not attend) and feedback."""
    from django.utils import timezone

    from bench.fixtures import make_group, make_users
    from reports.periods import LONDON
    from signups.models import Booking, Feedback

    rng = random.Random(20)
    users = make_users(people, "hist")
    first = timezone.now().astimezone(LONDON).replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    start = (first - timedelta(days=1)).replace(day=1)
    from groups.models import GroupSession

    bookings, feedback = [], []
    for g, fmt in enumerate(("reflective", "schwartz", "peer")):
        group = make_group(title=f"History {g}", capacity=12, fmt=fmt)
        for day in range(0, 28, 3):
            starts = start + timedelta(days=day, hours=g)
            session = GroupSession.objects.create(group=group, starts_at=starts, ends_at=starts + timedelta(hours=1))
            for user in rng.sample(users, rng.randint(4, 12)):
                attended = rng.random() < 0.8
                bookings.append(Booking(session=session, user=user, status=Booking.Status.CONFIRMED,
                                        confirmed_at=starts - timedelta(days=2),
                                        attendance="attended" if attended else "no_show"))
                if attended and rng.random() < 0.5:
                    feedback.append(Feedback(session=session, helpfulness=rng.randint(1, 5), given_on=starts.date()))
    Booking.objects.bulk_create(bookings)
    Feedback.objects.bulk_create(feedback)


def _main_views():
    """main's reports/views.py, rendering main's templates."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.template.backends.django import DjangoTemplates

    root = Path(os.environ.get("AB_MAIN", "/work/main"))
    spec = importlib.util.spec_from_file_location("main_report_views", root / "reports" / "views.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    options = dict(settings.TEMPLATES[0]["OPTIONS"])
    options.pop("loaders", None)
    engine = DjangoTemplates({"NAME": "main", "DIRS": [root / "templates"], "APP_DIRS": True, "OPTIONS": options})

    def render(request, name, context):
        return HttpResponse(engine.get_template(name).render(context, request))

    module.render = render
    return module


def _client(user):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["mfa_ok"] = True
    session.save()
    return client


def _timed(client, path: str, before=None) -> float:
    if before:
        before()
    t0 = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - t0
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def main(argv: list[str]) -> None:
    setup_django()
    from django.conf import settings
    from django.urls import clear_url_caches, path
    from django.utils import timezone

    from bench.fixtures import make_group, make_session, make_users, reset_database
    from signups.models import Booking

    reset_database()
    person, = make_users(1, "s6p")
    admin, = make_users(1, "s6a", role="programme_admin")
    group = make_group(title="Lobby group", capacity=12)
    live = make_session(group, starts_at=timezone.now() - timedelta(minutes=5), minutes=240)
    Booking.objects.create(session=live, user=person, status=Booking.Status.CONFIRMED, confirmed_at=timezone.now())
    _history(int(os.environ.get("AB_PEOPLE", "60")))

    main_views = _main_views()
    urls = types.ModuleType("ab_urls")
    from bench.urls import urlpatterns

    urls.urlpatterns = [path("main/reports/", main_views.index), path("main/reports.csv", main_views.csv_export),
                        *urlpatterns]
    sys.modules["ab_urls"] = urls
    settings.ROOT_URLCONF = "ab_urls"
    clear_url_caches()

    import secrets

    from reports import cache as report_cache

    kept = report_cache.fingerprint

    def forget():
        """Every kept report out of reach for one request: a new fingerprint
        for it, so new keys; the warm cases keep theirs."""
        token = secrets.token_hex(8)

        def once():
            report_cache.fingerprint = kept
            return token

        report_cache.fingerprint = once

    rounds = int(argv[0]) if argv else 100
    client = _client(admin)
    cases = {
        "hello-world (the floor)": ("/bench/hello/", None),
        "page: main": ("/main/reports/", None),
        "page: this tree, cache warm": ("/reports/", None),
        "page: this tree, cache cold": ("/reports/", forget),
        "CSV: main": ("/main/reports.csv", None),
        "CSV: this tree, cache warm": ("/reports/participation.csv", None),
        "CSV: this tree, cache cold": ("/reports/participation.csv", forget),
    }
    for page, _before in cases.values():  # warm up: the rollups' first build, templates, connections
        body = client.get(page).content
        assert b"Participation by format" in body or page.startswith("/bench/"), page  # the figures, not only the form
    if "queries" in argv:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for name, (page, before) in cases.items():
            if before:
                before()
            with CaptureQueriesContext(connection) as ctx:
                client.get(page)
            print(f"== {name}: {len(ctx.captured_queries)} queries")
            for query in ctx.captured_queries:
                print(f"   {query['time']} {query['sql'][:150]}")
        return
    if "profile" in argv:
        for name, (page, before) in cases.items():
            profile = cProfile.Profile()
            for _ in range(20):
                if before:
                    before()
                profile.enable()
                client.get(page)
                profile.disable()
            print(f"== {name}: 20 requests")
            pstats.Stats(profile).sort_stats(os.environ.get("AB_SORT", "cumulative")).print_stats(60)
        return
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (page, before) in cases.items():
            times[name].append(_timed(client, page, before))
    print(f"{rounds} requests each, interleaved; ms per request (median / p95 / mean)")
    for name, values in times.items():
        print(f"  {name:32} {statistics.median(values) * 1e3:6.1f} / {pct(values, 95) * 1e3:6.1f} / "
              f"{statistics.mean(values) * 1e3:6.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
