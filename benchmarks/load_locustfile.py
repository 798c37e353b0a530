"""Locust users of benchmarks/load_bench.py (not run on its own): each logs in as one of the
benchmark's users (the login form with its CSRF token, as a browser does) and walks the
pages overview → Ärenden → a case page (a case of its own list, at random) → Enheter, with
``LOAD_BENCH_THINK`` seconds (``MIN-MAX``) between pages, as long as the run lasts.

An answer counts as an error unless it is 200 and the page itself (not the login form: a
redirect to it would be a fast and silent failure). Every request's time goes to the file
``LOAD_BENCH_TIMES`` (JSON lines of name and milliseconds) when the run ends, so that
load_bench.py computes exact percentiles, of every request and of the pages alone.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from typing import Any

from locust import SequentialTaskSet, between, events, task
from locust.contrib.fasthttp import FastHttpUser

USERNAMES = os.environ.get("LOAD_BENCH_USERS", "").split(",")
PASSWORD = os.environ.get("LOAD_BENCH_PASSWORD", "")
THINK_MIN, THINK_MAX = (float(x) for x in os.environ.get("LOAD_BENCH_THINK", "1-5").split("-"))
TIMES = os.environ.get("LOAD_BENCH_TIMES", "")

_next_user = itertools.count()
_times: list[tuple[str, float, str]] = []
CASE_LINK = re.compile(r'href="/arenden/([^/"?]+)/')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_: Any) -> None:
    _times.append((name, response_time, "" if exception is None else str(exception)[:200]))


@events.quitting.add_listener
def _write(**_: Any) -> None:
    if TIMES:
        with open(TIMES, "w", encoding="utf-8") as out:
            for name, ms, error in _times:
                out.write(json.dumps({"name": name, "ms": ms, "ok": not error, "error": error}))
                out.write("\n")


class Walk(SequentialTaskSet):
    """One user's walk through the pages, over and over."""

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif 'id="id_password"' in text:
                response.failure("the login form")
            return text

    @task
    def overview(self) -> None:
        self.page("/", "Översikt /")

    @task
    def cases(self) -> None:
        html = self.page("/arenden/", "Ärenden /arenden/")
        self.user.cases = list(dict.fromkeys(CASE_LINK.findall(html))) or self.user.cases

    @task
    def case(self) -> None:
        if self.user.cases:
            self.page(f"/arenden/{random.choice(self.user.cases)}/", "Ärende /arenden/<id>/")

    @task
    def units(self) -> None:
        self.page("/enheter/", "Enheter /enheter/")


class LoggedInUser(FastHttpUser):
    tasks = [Walk]
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        self.cases: list[str] = []
        username = USERNAMES[next(_next_user) % len(USERNAMES)]
        form = self.client.get("/logga-in/", name="inloggning (formulär)")
        token = TOKEN.search(form.text or "")
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": username,
            "password": PASSWORD,
        }
        with self.client.post(
            "/logga-in/",
            data=data,
            name="inloggning",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {username}: {response.status_code}")
