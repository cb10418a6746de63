"""S6 main pages: browse, a group, My sessions, the room lobby and reports at
1, 10 and 50 concurrent users, against a hello-world view on the same server;
the queries each page makes with 10 and with 1,000 rows behind it; and the
hello-world and browse pages under uvicorn ×1, uvicorn ×2 and daphne.

The servers run as deployed: a connection pool of DB_POOL_MAX=20 per process,
as docker-compose.yml sets (without it every request opens a connection)."""

import asyncio
from datetime import timedelta

from bench.common import Result, Server, env_int, ms, pct, ratio, timed_gets
from bench.fixtures import cookies_for, make_group, make_session, make_users

LEVELS = (1, 10, 50)
SERVER_LEVELS = (10, 50)


def _grow(person, facilitator, rows: int) -> None:
    """Published groups, each with an upcoming session the person booked."""
    from django.utils import timezone

    from groups.models import GroupSession, PeerGroup
    from signups.models import Booking

    now = timezone.now()
    groups = PeerGroup.objects.bulk_create([
        PeerGroup(title=f"Bench group {i}", format="reflective", description="Bench.", membership="open",
                  capacity=10, duration_minutes=60, status=PeerGroup.Status.PUBLISHED) for i in range(rows)])
    sessions = GroupSession.objects.bulk_create([
        GroupSession(group=g, starts_at=now + timedelta(days=2, minutes=i),
                     ends_at=now + timedelta(days=2, minutes=i + 60)) for i, g in enumerate(groups)])
    Booking.objects.bulk_create([Booking(session=s, user=person, status=Booking.Status.CONFIRMED, confirmed_at=now)
                                 for s in sessions])


def _queries(pages: dict[str, tuple[str, object]]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (path, user) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session["mfa_ok"] = True
        session.save()
        client.get(path)  # a browser's first request records its session; count a later one
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        counts[name] = ctx.captured_queries.__len__() if status == 200 else -status
    return counts


def run(result: Result) -> None:
    from django.utils import timezone

    from signups.models import Booking

    seconds = env_int("BENCH_S6_SECONDS", 3)
    result.scale = (f"{seconds} s per page and level, uvicorn ×1 with DB_POOL_MAX=20 (as docker-compose.yml); "
                    "queries counted in-process; servers compared on hello-world and browse")
    person, = make_users(1, "s6p")
    admin, = make_users(1, "s6a", role="programme_admin")
    facilitator, = make_users(1, "s6f", role="facilitator")
    group = make_group(title="Lobby group", capacity=12, facilitator=facilitator)
    live = make_session(group, starts_at=timezone.now() - timedelta(minutes=5), minutes=240)
    Booking.objects.create(session=live, user=person, status=Booking.Status.CONFIRMED, confirmed_at=timezone.now())
    _grow(person, facilitator, 9)
    pages = {
        "hello-world (baseline)": ("/bench/hello/", person),
        "browse": ("/groups/", person),
        "group": (f"/groups/{group.code}/", person),
        "My sessions": ("/my-sessions/", person),
        "room lobby": (f"/rooms/{live.code}/", person),
        "reports": ("/reports/", admin),
    }
    small = _queries(pages)
    cookies = {user.pk: cookie for user, cookie in zip((person, admin), cookies_for([person, admin]), strict=True)}
    with Server("uvicorn", workers=1) as server:
        figures = _latencies(result, server, pages, LEVELS, cookies, seconds)
    compared = {"hello-world (baseline)": pages["hello-world (baseline)"], "browse": pages["browse"]}
    servers = _compare_servers(result, compared, cookies, seconds, figures)
    _grow(person, facilitator, 991)
    large = _queries(pages)
    base = {level: figures["hello-world (baseline)", level] for level in LEVELS}
    for name in pages:
        for level in LEVELS:
            lat = figures[name, level]
            result.row(f"{name}, {level} user(s): p50 / p95", f"{ms(pct(lat, 50))} / {ms(pct(lat, 95))}",
                       f"{ms(pct(base[level], 50))} / {ms(pct(base[level], 95))}",
                       ratio(pct(lat, 95), pct(base[level], 95)))
        result.row(f"{name}: queries with 10 → 1,000 rows", f"{small[name]} → {large[name]}")
    _server_rows(result, servers, seconds)
    result.note("Query counts are negative HTTP statuses where the page did not answer 200.")
    for name in list(pages)[1:]:
        p95 = pct(figures[name, 1], 95)
        result.target(f"{name}: p95 ≤ 50 ms for one user", p95 <= 0.050, f"({ms(p95)})")
        result.target(f"{name}: queries flat as data grows", 0 < large[name] <= small[name],
                      f"({small[name]} → {large[name]})")


def _compare_servers(result, pages, cookies, seconds, figures) -> dict:
    """The same pages under each server; uvicorn ×1's figures are the main run's."""
    servers = {"uvicorn ×1": {(name, level): figures[name, level] for name in pages for level in SERVER_LEVELS}}
    for kind, workers in (("uvicorn", 2), ("daphne", 1)):
        with Server(kind, workers=workers) as server:
            servers[server.label] = _latencies(result, server, pages, SERVER_LEVELS, cookies, seconds)
    return servers


def _latencies(result, server, pages, levels, cookies, seconds) -> dict[tuple[str, int], list[float]]:
    """Each page at each level of concurrent users: the latencies."""
    figures = {}
    for name, (path, user) in pages.items():
        for level in levels:
            figures[name, level], errors = asyncio.run(
                timed_gets(server.port, [(path, cookies[user.pk])], level, seconds))
            if errors:
                result.note(f"{server.label}, {name} at {level}: {errors} responses were not 200")
    return figures


def _server_rows(result, servers: dict, seconds: int) -> None:
    """Requests per second and p95 per server, against uvicorn ×1."""
    reference = servers["uvicorn ×1"]
    page_rate: dict[str, float] = {}
    for label, runs in servers.items():
        for (name, level), lat in runs.items():
            rate, base_rate = len(lat) / seconds, len(reference[name, level]) / seconds
            result.row(f"[{label}] {name}, {level} users: requests/s, p95", f"{rate:.0f}/s, {ms(pct(lat, 95))}",
                       f"{base_rate:.0f}/s, {ms(pct(reference[name, level], 95))} (uvicorn ×1)",
                       ratio(rate, base_rate))
            if name != "hello-world (baseline)":
                page_rate[label] = page_rate.get(label, 0.0) + rate
    best = max(page_rate, key=page_rate.get)
    lead = page_rate[best] / max(page_rate["uvicorn ×1"], 1e-9)
    verdict = (f"{best} served the most ({lead:.2f}× uvicorn ×1)" if lead >= 1.15
               else "no server was 15% ahead of uvicorn ×1")
    result.note(f"Servers on the real page (requests/s summed over {', '.join(map(str, SERVER_LEVELS))} users): "
                f"{verdict}. Ratios are requests/s against uvicorn ×1 in the same run.")
