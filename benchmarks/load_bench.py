"""Benchmark: many logged-in users at once against ``timbalans serve`` (several worker
processes), with locust, headless.

    .venv/bin/python -m benchmarks.load_bench --data-dir DIR [--database-url URL]
        [--users 50] [--seconds 120] [--spawn-rate 1] [--think 1-5] [--workers N]
        [--threads 4] [--port 8766]

Needs the ``bench`` extra (``scripts/setup test,bench``: locust). The database (PostgreSQL
with ``--database-url``, or SQLite in ``--data-dir``) must hold an imported data set
(``timbalans generate-data OUT --scale municipality`` then ``timbalans import OUT``, which
leaves the overview's tables in the figure cache). The script:

1. prints the machine: cores (those this process may use, and all), the CPU, the load
   average (the machine may be shared: a loaded one stretches every time below);
2. creates one account per user if missing (the login throttle lets few logins of one name
   run at a time): even ones controllers, who see every unit, odd ones unit managers of
   one unit each; runs the warm-up an import runs (``figures_warm``), now that these users
   exist; starts ``timbalans serve --workers --threads`` and waits for every worker;
3. as a controller, requests the overview, then a case page, once each: the first
   requests of a server just started (the overview from the figure cache's files; the first
   case page computes every case's days and staff, once for every process);
4. runs locust: ``--users`` users, each with its own account, started ``--spawn-rate`` a
   second, each logging in and walking overview → Ärenden → a case page → Enheter with
   ``--think`` seconds between pages; for the ramp-up (``--users`` / ``--spawn-rate``
   seconds) and then ``--seconds`` with every user in. People arrive over minutes, not all in
   the same few seconds (the default, one a second, is still a crowd), and every login costs
   Argon2's tenth of a second of CPU by design; 1–5 s between pages is less than people take
   to read one, so the load is heavier than theirs;
5. prints the CPU time the server's processes used (what a request costs, however loaded
   the machine), and per page and in all: requests, errors, median, p95, p99, max, requests/s, and
   the same for the pages alone (the logins excluded: Argon2 costs a tenth of a second of
   CPU by design). Errors are answers other than 200, or the login form instead of a page.

The target of issue 17: 50 users for 2 minutes on PostgreSQL at municipality scale, 0
errors and p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._util import ROOT
from benchmarks.web_bench import PASSWORD, TIMBALANS, Client, _env
from timbalans.records.management.commands.serve import default_workers

LOCUSTFILE = Path(__file__).with_name("load_locustfile.py")
LOCUST = str(Path(sys.executable).with_name("locust"))


USERS_AND_WARM = """
import json, os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
django.setup()
from django.contrib.auth import get_user_model
from timbalans.accounts.services import user_create
from timbalans.records import models as m
from timbalans.records.figure_access import figures_warm
count, password = {count!r}, {password!r}
units = list(m.Unit.objects.order_by("unit_id").values_list("unit_id", flat=True))
names = []
for i in range(count):
    name = f"bench_load_{{i:02d}}"
    names.append(name)
    if get_user_model().objects.filter(username=name).exists():
        continue
    mine = [] if i % 2 == 0 else [units[i // 2 % len(units)]]
    role = "unit_manager" if mine else "controller"
    user_create(username=name, role=role, unit_ids=mine, password=password)
t = time.perf_counter()
tables = figures_warm()
seconds = time.perf_counter() - t
print(json.dumps({{"names": names, "warm_tables": tables, "warm_seconds": seconds}}))
"""


def users_and_warm(args: argparse.Namespace) -> dict[str, object]:
    """One account per locust user (the login throttle allows few logins of one name at a
    time): even numbers controllers, odd ones unit managers of one unit each, in turn. Then
    the warm-up an import would run with these users present (their units' tables)."""
    code = USERS_AND_WARM.format(count=args.users, password=PASSWORD)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    found: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return found


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"cores {usable} usable of {os.cpu_count()}; {cpu}; load average {load}"


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its children so far (Linux, /proc): what the
    server's processes used, whatever else runs on the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(int(stat.parent.name))
        if fields and (int(stat.parent.name) == pid or int(fields[1]) == pid):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


class Server:
    """``timbalans serve --workers --threads`` in a child process, stopped by its own id."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="load-bench-", suffix=".log", delete=False)  # noqa: SIM115
        command = [TIMBALANS, "serve", "--addr", f"127.0.0.1:{args.port}"]
        command += ["--threads", str(args.threads)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            command, env=_env(args), cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        # Up when every worker has said it is ready (views imported, chart renderer started).
        workers = args.workers or default_workers()
        deadline = time.monotonic() + 300
        while Path(self.log.name).read_text().count("Serverprocess ") < workers:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited; see {self.log.name}")
            if time.monotonic() > deadline:
                raise SystemExit(f"server did not start; see {self.log.name}")
            time.sleep(0.2)
        socket.create_connection(("127.0.0.1", args.port), timeout=5).close()
        self.startup = time.perf_counter() - started

    def stop(self) -> None:
        self.proc.terminate()  # Gunicorn's arbiter stops its workers on SIGTERM
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _line(name: str, times: list[float], errors: int, seconds: float) -> str:
    if not times:
        return f"{name:<28} {0:>7} {errors:>6}"
    return (
        f"{name:<28} {len(times):>7} {errors:>6} {statistics.median(times):>8.0f} "
        f"{_percentile(times, 95):>8.0f} {_percentile(times, 99):>8.0f} {max(times):>8.0f} "
        f"{len(times) / seconds:>7.1f}"
    )


def report(rows: list[dict[str, object]], seconds: float) -> tuple[int, float]:
    """Print the table; (errors, p95 of the pages in ms)."""
    header = (
        f"{'request':<28} {'n':>7} {'errors':>6} {'median':>8} {'p95':>8} {'p99':>8} "
        f"{'max':>8} {'req/s':>7}"
    )
    print(header + "   (times in ms)")
    print("-" * len(header))
    names = list(dict.fromkeys(str(r["name"]) for r in rows))
    for name in names:
        mine = [r for r in rows if r["name"] == name]
        times = [float(str(r["ms"])) for r in mine]
        print(_line(name, times, sum(1 for r in mine if not r["ok"]), seconds))
    print("-" * len(header))
    pages = [r for r in rows if not str(r["name"]).startswith("inloggning")]
    every = [float(str(r["ms"])) for r in rows]
    page_times = [float(str(r["ms"])) for r in pages]
    errors = sum(1 for r in rows if not r["ok"])
    print(_line("all requests", every, errors, seconds))
    print(
        _line("pages (logins excluded)", page_times, sum(1 for r in pages if not r["ok"]), seconds)
    )
    failures: dict[str, int] = {}
    for r in rows:
        if not r["ok"]:
            what = f"{r['name']}: {r.get('error', '')}"
            failures[what] = failures.get(what, 0) + 1
    for what, count in sorted(failures.items(), key=lambda kv: -kv[1]):
        print(f"  error ×{count}: {what}")
    return errors, _percentile(page_times, 95) if page_times else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="TIMBALANS_DATA_DIR")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--spawn-rate", type=float, default=1, help="users started a second")
    parser.add_argument("--think", default="1-5", help="seconds between a user's pages, MIN-MAX")
    parser.add_argument("--workers", type=int, default=0, help="server processes (0: default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {machine()}")
    print(
        f"{db}; {args.users} users, started {args.spawn_rate:g}/s, then {args.seconds} s with all, "
        f"{args.think} s between pages; server workers {args.workers or 'default (2 per core)'}, "
        f"{args.threads} threads each"
    )
    made = users_and_warm(args)
    names = [str(n) for n in made["names"]]  # type: ignore[attr-defined]
    print(
        f"{len(names)} users; warm-up as after an import: {made['warm_tables']} tables "
        f"in {float(str(made['warm_seconds'])):.1f} s"
    )
    server = Server(args)
    try:
        print(f"server up (every worker ready) in {server.startup:.1f} s")
        client = Client(args.port)
        client.login(names[0])
        seconds, _ = client.page("/")
        print(f"first overview of the new server: {seconds * 1000:.0f} ms")
        cases = list(
            dict.fromkeys(re.findall(r'href="/arenden/([^/"?]+)/', client.page("/arenden/")[1]))
        )
        if cases:
            seconds, _ = client.page(f"/arenden/{cases[len(cases) // 2]}/")
            print(f"first case page (every case's days and staff): {seconds * 1000:.0f} ms")

        with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
            times = Path(tmp) / "times.jsonl"
            env = {
                **os.environ,
                "LOAD_BENCH_USERS": ",".join(names),
                "LOAD_BENCH_PASSWORD": PASSWORD,
                "LOAD_BENCH_THINK": args.think,
                "LOAD_BENCH_TIMES": str(times),
            }
            run_time = args.seconds + math.ceil(args.users / args.spawn_rate)
            started = time.perf_counter()
            cpu_before = cpu_seconds(server.proc.pid)
            locust = subprocess.run(
                [
                    LOCUST,
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{run_time}s",
                    "--host",
                    f"http://127.0.0.1:{args.port}",
                    "--only-summary",
                    "--stop-timeout",
                    "30",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - started
            cpu = cpu_seconds(server.proc.pid) - cpu_before
            if not times.exists():
                sys.stderr.write(locust.stdout[-4000:] + locust.stderr[-4000:])
                raise SystemExit("locust wrote no times")
            rows = [json.loads(line) for line in times.read_text().splitlines()]
        print(f"\nlocust ran {wall:.0f} s; machine after: {machine()}\n")
        errors, p95 = report(rows, run_time)
        print(
            f"\nCPU time of the server's processes during the run: {cpu:.1f} s, "
            f"{cpu / len(rows) * 1000:.0f} ms per request ({len(rows)} requests)"
        )
        met = errors == 0 and p95 <= 300
        print(
            f"\ntarget (0 errors, p95 of the pages <= 300 ms): "
            f"{'met' if met else 'NOT met'} ({errors} errors, p95 {p95:.0f} ms)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
