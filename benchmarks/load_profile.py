"""Benchmark: what each page of the load test costs in one process, warm: CPU and wall time
per request, database queries, and (``--profile``) where the time goes.

    .venv/bin/python -m benchmarks.load_profile [--rounds 20] [--profile] [--cases 4]
        [--as-of YYYY-MM-DD]

Runs in this process against the database of ``DATABASE_URL`` (or SQLite in
``TIMBALANS_DATA_DIR``), which must hold an imported data set, with Django's test client
(logged in without the login form: Argon2 is not a page's cost). It uses the accounts of
``benchmarks.load_bench`` (``bench_load_00``, a controller, and ``bench_load_01``, a unit
manager; made if missing) and walks their pages as the load test does: the overview,
Ärenden, ``--cases`` case pages of the user's list and Enheter. The first request of each
page is this process's first (the figure cache's files, as a new server worker sees them,
after the same preparation: the views imported and the chart renderer started);
then ``--rounds`` more of each: median and p95 of wall and CPU time (``time.process_time``,
this process only: the load of other programs on the machine does not count in it) and the
queries of one request. With ``--profile`` it prints cProfile's top functions of the warm
rounds per page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
os.environ.setdefault("TIMBALANS_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TIMBALANS_SECURE_COOKIES", "0")

CASE_LINK = re.compile(r'href="/arenden/([^/"?]+)/')


def _users() -> list[Any]:
    """bench_load_00 (a controller) and bench_load_01 (a unit manager of the first unit), as
    ``benchmarks.load_bench`` makes them."""
    from django.contrib.auth import get_user_model

    from timbalans.accounts.services import user_create
    from timbalans.records import models as m

    users = []
    units = list(m.Unit.objects.order_by("unit_id").values_list("unit_id", flat=True))
    for i in (0, 1):
        name = f"bench_load_{i:02d}"
        found = get_user_model().objects.filter(username=name).first()
        if found is None:
            mine = [] if i % 2 == 0 else [units[i // 2 % len(units)]]
            role = "unit_manager" if mine else "controller"
            user_create(username=name, role=role, unit_ids=mine, password="bänk-lösen-9f3k")
            found = get_user_model().objects.get(username=name)
        users.append(found)
    return users


def _p95(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def _timed(get: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = get()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--cases", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="cProfile's top of the warm rounds")
    parser.add_argument(
        "--profile-first", action="store_true", help="cProfile's top of each first request"
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    parser.add_argument("--as-of", default="", help="D (default: today)")
    args = parser.parse_args()

    import django

    django.setup()
    from timbalans.records.management.commands.serve import worker_prepare

    worker_prepare()  # as a server process before its first request (views, chart renderer)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    query = f"?as_of={args.as_of}" if args.as_of else ""
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'user':<14} {'page':<16} {'first ms':>9} {'cpu':>6} {'wall p50':>9} {'wall p95':>9} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'queries':>7} {'kB':>5}"
    )
    for user in _users():
        client = Client()
        client.force_login(user)
        pages = [("overview", "/"), ("Ärenden", "/arenden/")]
        first_list = client.get("/arenden/" + query)
        cases = list(dict.fromkeys(CASE_LINK.findall(first_list.content.decode())))
        step = max(1, len(cases) // args.cases)
        pages += [(f"case {c}", f"/arenden/{c}/") for c in cases[::step][: args.cases]]
        pages += [("Enheter", "/enheter/")]
        for label, path in pages:
            url = path + query
            first_profiler = cProfile.Profile() if args.profile_first else None
            if first_profiler:
                first_profiler.enable()
            first, first_cpu, response = _timed(partial(client.get, url))
            if first_profiler:
                first_profiler.disable()
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            walls, cpus = [], []
            profiler = cProfile.Profile() if args.profile else None
            for _ in range(args.rounds):
                if profiler:
                    profiler.enable()
                wall, cpu, _ = _timed(partial(client.get, url))
                if profiler:
                    profiler.disable()
                walls.append(wall)
                cpus.append(cpu)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            print(
                f"{user.username:<14} {label:<16} {first:>9.0f} {first_cpu:>6.0f} "
                f"{statistics.median(walls):>9.1f} "
                f"{_p95(walls):>9.1f} {statistics.median(cpus):>8.1f} {_p95(cpus):>8.1f} "
                f"{len(queries.captured_queries):>7} {len(response.content) // 1024:>5}"
            )
            for done in (first_profiler, profiler):
                if done:
                    out = io.StringIO()
                    pstats.Stats(done, stream=out).sort_stats(args.sort).print_stats(args.top)
                    print(out.getvalue())


if __name__ == "__main__":
    main()
