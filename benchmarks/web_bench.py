"""Benchmark: response times of the web app's main pages, cold and warm, and a load test.

    .venv/bin/python -m benchmarks.web_bench --data-dir DIR [--database-url URL]
        [--as-of 2026-11-23] [--unit 81515] [--warm 30] [--cases 4] [--threads 8]
        [--wrk-seconds 60] [--wrk-connections 20] [--no-wrk] [--port 8765]

The database (SQLite in ``--data-dir``, or PostgreSQL with ``--database-url``) must hold an
imported data set (``timbalans generate-data OUT --scale municipality`` then
``timbalans import OUT``). The script creates two users if they are missing (a controller,
who sees every unit, and a unit manager of ``--unit``: scoping changes what the figure cache
keys on), and for each role:

1. starts ``timbalans serve`` as a child process (``--threads`` per worker) and waits for it
   to answer;
2. logs in (the login form with its CSRF token, as a browser does);
3. requests the overview, the case list and ``--cases`` case pages once each, in that order:
   these are the *cold* times (the overview is the first request after start and loads the
   frames; each later page computes its own figure tables). *To warm* is the sum, from the
   first request until every page has been served once;
4. requests every page ``--warm`` times more, round robin: median, p95 and max (*warm*).

Then, unless ``--no-wrk``, it runs wrk with ``--wrk-connections`` connections for
``--wrk-seconds`` against the last server, both roles' sessions and all their pages chosen
at random per request, and reports requests/s, latency percentiles and errors: socket errors,
non-2xx/3xx answers, and (counted by the Lua script) any answer other than 200, since a
redirect to the login page would be a fast and silent failure.

Times are wall-clock times seen by the client over a kept-alive local connection, including
rendering the HTML. Every response is checked: 200, and a page, not the login form.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from benchmarks._util import ROOT

PASSWORD = "bänk-lösen-9f3k"
CONTROLLER = "bench_controller"
UNIT_MANAGER = "bench_unit_manager"
TIMBALANS = str(Path(sys.executable).with_name("timbalans"))

WRK_SCRIPT = """
-- Chooses a (session, path) pair at random per request; counts answers other than 200.
local pairs_ = {PAIRS}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; statuses = "" end
function request()
  local p = pairs_[math.random(#pairs_)]
  return wrk.format("GET", p[2], {{["Cookie"] = p[1]}})
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1; statuses = statuses .. status .. " " end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("not-200: %d\\n", total))
  for _, p in ipairs({{50, 90, 95, 99}}) do
    io.write(string.format("p%d: %.1f ms\\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max: %.1f ms\\n", latency.max / 1000))
end
"""


class Client:
    """One kept-alive HTTP connection with a cookie jar: enough for a Django session."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.conn.request(method, path, body=body.encode() if body else None, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - start
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, text, seconds

    def login(self, username: str) -> None:
        status, text, _ = self.request("GET", "/logga-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if status != 200 or token is None:
            raise SystemExit(f"login page: {status}")
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD}
        status, _, _ = self.request("POST", "/logga-in/", urlencode(form))
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed: {status}")

    def page(self, path: str) -> tuple[float, str]:
        status, text, seconds = self.request("GET", path)
        if status != 200 or ('name="csrfmiddlewaretoken"' in text and "id_password" in text):
            raise SystemExit(f"GET {path}: {status} (not the page)")
        return seconds, text


@dataclass
class Row:
    role: str
    page: str
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)


def _env(args: argparse.Namespace) -> dict[str, str]:
    env = {**os.environ, "TIMBALANS_DATA_DIR": args.data_dir, "TIMBALANS_SECURE_COOKIES": "0"}
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def _ensure_users(args: argparse.Namespace) -> None:
    for name, extra in (
        (CONTROLLER, ["--role", "controller"]),
        (UNIT_MANAGER, ["--role", "unit_manager", "--unit", args.unit]),
    ):
        proc = subprocess.run(
            [TIMBALANS, "create-user", name, *extra, "--password", PASSWORD],
            env=_env(args),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 and "finns redan" not in proc.stderr:
            raise SystemExit(proc.stderr)


class Server:
    """``timbalans serve`` in a child process, stopped by its own process id."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="web-bench-", suffix=".log", delete=False)  # noqa: SIM115
        addr = f"127.0.0.1:{args.port}"
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [TIMBALANS, "serve", "--addr", addr, "--threads", str(args.threads)],
            env=_env(args),
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"server did not start; see {self.log.name}") from None
                time.sleep(0.1)
        self.startup = time.perf_counter() - self.started

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _case_ids(html: str, count: int, must: str | None) -> list[str]:
    """``count`` case ids from a case list page, spread over its ids in numeric order (and
    ``must`` if listed): not in the list's order, so that codes that sort the list differently
    are measured on the same cases."""
    seen = sorted(set(re.findall(r'href="/arenden/(\d+)/', html)), key=int)
    if not seen:
        raise SystemExit("no cases in the case list")
    step = max(1, len(seen) // count)
    chosen = seen[::step][:count]
    if must and must in seen and must not in chosen:
        chosen[-1] = must
    return chosen


def _measure_role(
    args: argparse.Namespace, role: str, username: str
) -> tuple[list[Row], float, float, Client, list[str], Server]:
    server = Server(args)
    client = Client(args.port)
    client.login(username)
    q = f"?as_of={args.as_of}"
    overview, cases = Row(role, "Översikt /"), Row(role, "Ärenden /arenden/")
    case = Row(role, f"Ärende /arenden/<id>/ ({args.cases} ärenden)")
    t0 = time.perf_counter()
    seconds, _ = client.page(f"/{q}")
    overview.cold.append(seconds)
    seconds, html = client.page(f"/arenden/{q}")
    cases.cold.append(seconds)
    ids = _case_ids(html, args.cases, args.must_case)
    for case_id in ids:
        case.cold.append(client.page(f"/arenden/{case_id}/{q}")[0])
    to_warm = time.perf_counter() - t0
    for _ in range(args.warm):
        overview.warm.append(client.page(f"/{q}")[0])
        cases.warm.append(client.page(f"/arenden/{q}")[0])
        for case_id in ids:
            case.warm.append(client.page(f"/arenden/{case_id}/{q}")[0])
    paths = ["/" + q, "/arenden/" + q, *(f"/arenden/{c}/{q}" for c in ids)]
    return [overview, cases, case], server.startup, to_warm, client, paths, server


def _p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}".replace(",", " ")


def _wrk(args: argparse.Namespace, sessions: list[tuple[str, list[str]]]) -> str:
    pairs = ", ".join(
        f'{{"sessionid={cookie}", "{path}"}}' for cookie, paths in sessions for path in paths
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            # Braces first: the pairs' own braces must stay as they are.
            WRK_SCRIPT.replace("{{", "{").replace("}}", "}").replace("{PAIRS}", "{" + pairs + "}")
        )
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    proc = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{args.wrk_connections}",
            f"-d{args.wrk_seconds}s",
            f"--timeout={args.wrk_timeout}s",
            "-s",
            script.name,
            f"http://127.0.0.1:{args.port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(script.name).unlink()
    return proc.stdout


def _wrk_summary(out: str) -> dict[str, str]:
    found = {
        "requests": re.search(r"(\d+) requests in", out),
        "rps": re.search(r"Requests/sec:\s+([\d.]+)", out),
        "socket_errors": re.search(r"Socket errors: (.*)", out),
        "non_2xx_3xx": re.search(r"Non-2xx or 3xx responses: (\d+)", out),
        "not_200": re.search(r"not-200: (\d+)", out),
    }
    summary = {k: (v.group(1) if v else "0") for k, v in found.items()}
    if not found["socket_errors"]:
        summary["socket_errors"] = "0"
    for p in ("p50", "p90", "p95", "p99", "max"):
        hit = re.search(rf"{p}: ([\d.]+) ms", out)
        summary[p] = hit.group(1) if hit else "?"
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="TIMBALANS_DATA_DIR (SQLite file)")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--unit", default="81515", help="the unit manager's unit")
    parser.add_argument("--must-case", default="51470", help="a case page always measured")
    parser.add_argument("--warm", type=int, default=30, help="warm requests per page")
    parser.add_argument("--cases", type=int, default=4, help="case pages per role")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument("--wrk-seconds", type=int, default=60)
    parser.add_argument("--wrk-connections", type=int, default=20)
    parser.add_argument("--wrk-timeout", type=int, default=10, help="wrk's socket timeout, s")
    args = parser.parse_args()

    db = "PostgreSQL" if args.database_url else "SQLite"
    _ensure_users(args)
    rows: list[Row] = []
    sessions: list[tuple[str, list[str]]] = []
    server: Server | None = None
    print(
        f"{db}, D = {args.as_of}, {args.threads} server threads per process, "
        f"{args.warm} warm rounds"
    )
    try:
        for role, user in (("controller", CONTROLLER), ("unit_manager", UNIT_MANAGER)):
            if server is not None:
                server.stop()
            measured, startup, to_warm, client, paths, server = _measure_role(args, role, user)
            rows += measured
            sessions.append((client.cookies["sessionid"], paths))
            print(
                f"{role}: server up in {startup:.1f} s; cold to warm (every page once) "
                f"{to_warm:.1f} s; pages {', '.join(paths)}"
            )
        print()
        header = (
            f"{'role':<13} {'page':<38} {'cold ms':>16} {'warm median':>12} "
            f"{'p95':>7} {'max':>7} {'n':>4}"
        )
        print(header)
        print("-" * len(header))
        for r in rows:
            cold = _ms(r.cold[0]) if len(r.cold) == 1 else f"{_ms(min(r.cold))}–{_ms(max(r.cold))}"
            print(
                f"{r.role:<13} {r.page:<38} {cold:>16} {_ms(statistics.median(r.warm)):>12} "
                f"{_ms(_p95(r.warm)):>7} {_ms(max(r.warm)):>7} {len(r.warm):>4}"
            )
        if not args.no_wrk and server is not None:
            print()
            # The server of the last role has not served the other roles' pages: warm them
            # first, so that wrk measures the warm state (a cold page under 20 connections is
            # computed by several threads at once).
            t0 = time.perf_counter()
            for cookie, paths in sessions:
                client = Client(args.port)
                client.cookies["sessionid"] = cookie
                for path in paths:
                    client.page(path)
            print(
                f"other roles' pages warmed on the last server in {time.perf_counter() - t0:.1f} s"
            )
            print(
                f"wrk: {args.wrk_connections} connections, {args.wrk_seconds} s, both roles, "
                f"{sum(len(p) for _, p in sessions)} pages at random (timeout {args.wrk_timeout} s)"
            )
            s = _wrk_summary(_wrk(args, sessions))
            print(
                f"  {s['requests']} requests, {s['rps']} requests/s; latency p50 {s['p50']} ms, "
                f"p90 {s['p90']} ms, p95 {s['p95']} ms, p99 {s['p99']} ms, max {s['max']} ms"
            )
            print(
                f"  errors: socket {s['socket_errors']}; non-2xx/3xx {s['non_2xx_3xx']}; "
                f"not 200 {s['not_200']}"
            )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
