"""The command line as a new user meets it: Timbalans's own commands listed, Swedish answers to
bad arguments, a fresh data directory that works, a busy port named with --addr."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from timbalans.cli import OWN_COMMANDS, command_overview
from timbalans.command import argparse_message_sv
from timbalans.records.management.commands.serve import (
    BAD_COUNT,
    PORT_BUSY,
    SERVING,
    SERVING_WAITRESS,
    SERVING_WITH,
    WAITRESS_THREADS,
    WORKER_READY,
    default_workers,
    server_kind,
)


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point in a new process on the embedded SQLite database of data_dir."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TIMBALANS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "timbalans", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_overview_lists_only_timbalans_commands_with_hyphenated_names():
    text = command_overview()
    listed = [line.split()[0] for line in text.splitlines() if line.startswith("  ")]
    assert listed == list(OWN_COMMANDS)
    assert "  undo-import    Ångra en import (den senaste som gäller)." in text
    assert "migrate" not in listed
    assert text.startswith("Användning: timbalans KOMMANDO [flaggor]")


def test_every_option_of_every_command_has_a_help_text():
    from django.core.management import get_commands, load_command_class

    for name in OWN_COMMANDS:
        module = name.replace("-", "_")
        command = load_command_class(get_commands()[module], module)
        parser = command.create_parser("timbalans", module)
        parsers = [parser]
        for action in parser._actions:
            if action.choices and isinstance(action.choices, dict):
                parsers += list(action.choices.values())  # sub-commands (staffing)
        for p in parsers:
            for action in p._actions:
                if action.help == "==SUPPRESS==" or action.dest == "action":
                    continue
                assert action.help, f"{name}: {action.option_strings or action.dest} saknar hjälp"


def test_a_bad_date_is_answered_in_swedish():
    with pytest.raises(CommandError) as err:
        call_command("figures", "hour-balance", "--as-of", "2026-13-01")
    assert str(err.value) == (
        "fel: --as-of: ogiltigt datum '2026-13-01': ange ÅÅÅÅ-MM-DD, t.ex. 2026-03-31"
    )


def test_argparse_messages_are_turned_into_swedish():
    assert argparse_message_sv("the following arguments are required: --as-of") == (
        "dessa argument saknas: --as-of"
    )
    assert argparse_message_sv("unrecognized arguments: --foo") == "okända argument: --foo"
    assert (
        argparse_message_sv("argument --format: invalid choice: 'doc' (choose from 'docx', 'pdf')")
        == "--format: ogiltigt val 'doc' (välj bland 'docx', 'pdf')"
    )
    assert argparse_message_sv("argument number: invalid int value: 'x'") == (
        "number: ogiltigt värde 'x'"
    )


def test_the_entry_point_lists_commands_migrates_a_fresh_directory_and_refuses_in_swedish(
    tmp_path,
):
    shown = run_cli("--help", data_dir=tmp_path)
    assert shown.returncode == 0
    assert "  figures" in shown.stdout and "makemigrations" not in shown.stdout

    # a fresh data directory: the SQLite file is created and migrated by the first command
    listed = run_cli("batches", data_dir=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "Inga importer."
    assert (tmp_path / "timbalans.sqlite3").exists()

    bad = run_cli("figures", "hour-balance", "--as-of", "31/3", data_dir=tmp_path)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.startswith("användning: timbalans figures")
    assert bad.stderr.endswith(
        "fel: --as-of: ogiltigt datum '31/3': ange ÅÅÅÅ-MM-DD, t.ex. 2026-03-31\n"
    )

    unknown = run_cli("importera", data_dir=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr == "Okänt kommando: importera. Kommandona listas med timbalans --help.\n"

    # A command starts without Django's system checks, which would import every page (the
    # check command runs them).
    code = (
        "import sys; from timbalans.cli import main; main(['timbalans', 'batches']); "
        "print(sorted(m for m in sys.modules if m.startswith('timbalans.web.views')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TIMBALANS_DATA_DIR"] = str(tmp_path)
    light = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert light.stdout == "Inga importer.\n[]\n", light.stderr
    checked = run_cli("check", data_dir=tmp_path)
    assert checked.stdout == "System check identified no issues (0 silenced).\n", checked.stderr


def run_python(code: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Python code in a new process on the embedded SQLite database of data_dir."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TIMBALANS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


def test_a_command_freezes_what_it_started_with_for_the_garbage_collector(
    migrated_data_dir, tmp_path
):
    code = (
        "import gc; from timbalans.cli import main; "
        "print(gc.get_freeze_count()); main(['timbalans', 'batches']); "
        "print(gc.get_freeze_count() > 50_000)"
    )
    frozen = run_python(code, migrated_data_dir(tmp_path))
    assert frozen.stdout == "0\nInga importer.\nTrue\n", frozen.stderr


def test_an_import_imports_no_figures_until_it_has_written(migrated_data_dir, tmp_path):
    from tests.builders import write_set

    data = write_set(tmp_path / "set")
    code = (
        "import sys; from timbalans.cli import database_prepare, django_setup; django_setup(); "
        "database_prepare(); "
        "from timbalans.records.services import import_batch_apply, import_dataset_validate; "
        f"d = import_dataset_validate(source={str(data)!r}); "
        "print(import_batch_apply(dataset=d, source='test').rows['worked']); "
        "print(sorted(m for m in sys.modules if m.startswith(('timbalans.figures', "
        "'timbalans.records.figure', 'timbalans.core.rates')))); "
        "from timbalans.records.figure_access import WARMERS; "
        "print([w.__module__ + '.' + w.__name__ for w in WARMERS])"
    )
    imported = run_python(code, migrated_data_dir(tmp_path / "data"))
    assert imported.stdout == (
        "3\n"
        "['timbalans.figures', 'timbalans.figures.key_figures']\n"
        "['timbalans.web.apps.overview_warm']\n"
    ), imported.stderr


def test_serve_on_a_busy_port_says_so_and_names_addr():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError) as err:
            call_command("serve", addr=f"127.0.0.1:{port}")
    assert str(err.value) == PORT_BUSY.format(host="127.0.0.1", port=port, next=port + 1)
    assert "--addr 127.0.0.1:" in str(err.value)


def test_serve_refuses_an_address_without_a_port():
    with pytest.raises(CommandError) as err:
        call_command("serve", addr="localhost")
    assert str(err.value) == "ogiltig adress 'localhost': ange VÄRD:PORT, t.ex. 127.0.0.1:8000"


def test_serve_refuses_zero_workers_in_swedish():
    with pytest.raises(CommandError) as err:
        call_command("serve", workers=0)
    assert str(err.value) == BAD_COUNT.format(option="--workers") == "--workers måste vara minst 1"


def test_serve_is_gunicorn_except_on_windows_and_defaults_to_two_workers_per_core():
    assert server_kind("linux") == "gunicorn"
    assert server_kind("darwin") == "gunicorn"
    assert server_kind("win32") == "waitress"
    assert default_workers() == 2 * len(os.sched_getaffinity(0))


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        if int(text.rpartition(")")[2].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _get(port: int, path: str) -> tuple[int, str]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


WORKERS = ("--workers", "3", "--threads", "2")


def _free_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def _started(
    args: list[str], data_dir: Path, port: int, workers: int, *, run: tuple[str, ...] = ()
) -> subprocess.Popen[str]:
    """``timbalans *args`` in a new process on data_dir's SQLite database (or Python's
    ``run`` with ``args``), once /healthz/ answers and ``workers`` worker processes run; the
    test stops it."""
    import time

    # polars's own thread pool, as served: it is what a forked worker would hang on
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POLARS_MAX_THREADS")}
    env["TIMBALANS_DATA_DIR"] = str(data_dir)
    server = subprocess.Popen(
        [sys.executable, *(run or ("-m", "timbalans")), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 120
    while True:
        if server.poll() is not None:
            raise AssertionError(server.stdout.read() if server.stdout else "")
        try:
            if _get(port, "/healthz/") == (200, "ok") and len(_children(server.pid)) == workers:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise AssertionError("the server did not start")
        time.sleep(0.2)


def _stopped(server: subprocess.Popen[str]) -> str:
    """SIGTERM; the server's output once it has ended, which it must do cleanly."""
    import signal

    server.send_signal(signal.SIGTERM)
    out, _ = server.communicate(timeout=60)
    assert server.returncode == 0, out
    return out


def test_serve_answers_from_several_worker_processes_and_stops_on_sigterm(
    tmp_path, migrated_data_dir
):
    port = _free_port()
    data_dir = migrated_data_dir(tmp_path)
    server = _started(["serve", "--addr", f"127.0.0.1:{port}", *WORKERS], data_dir, port, 3)
    try:
        # Each of the three workers answers; the login page is served without a login.
        for _ in range(6):
            status, html = _get(port, "/logga-in/")
            assert status == 200 and 'name="password"' in html
    finally:
        out = _stopped(server)
    assert out.startswith(
        SERVING_WITH.format(server="Gunicorn", workers=3, threads=2)
        + "\n"
        + SERVING.format(where=f"127.0.0.1:{port}")
        + "\n"
    )
    # each worker says when it has imported the views and started the chart renderer
    ready = [line for line in out.splitlines() if line.startswith("Serverprocess ")]
    assert len(ready) == 3
    assert ready[0] == WORKER_READY.format(pid=ready[0].split()[1])


# ``serve`` as on Windows: Waitress, in this one process.
_AS_ON_WINDOWS = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
import django
django.setup()
from django.core.management import call_command
from timbalans.records.management.commands import serve
serve.server_kind = lambda platform=None: "waitress"
call_command("serve", addr=sys.argv[1])
"""


def test_serve_on_windows_is_waitress_prepared_as_a_gunicorn_worker(tmp_path, migrated_data_dir):
    port = _free_port()
    where = f"127.0.0.1:{port}"
    data_dir = migrated_data_dir(tmp_path)
    server = _started([where], data_dir, port, 0, run=("-c", _AS_ON_WINDOWS))
    try:
        status, html = _get(port, "/logga-in/")
        assert status == 200 and 'name="password"' in html
    finally:
        server.terminate()  # Waitress ends on Ctrl-C, with a traceback: not the test's point
        out, _ = server.communicate(timeout=60)
    assert out.splitlines()[:3] == [
        SERVING_WAITRESS.format(threads=WAITRESS_THREADS),
        SERVING.format(where=where),
        WORKER_READY.format(pid=server.pid),
    ]


def _logged_in_get(port: int, username: str, password: str, path: str) -> tuple[int, str]:
    """GET path after logging in through the login form (session and CSRF cookies by hand)."""
    import http.client
    import re
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/logga-in/")
        response = conn.getresponse()
        form = response.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert csrf and token, form
        body = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf[1]}",
            "Referer": f"http://127.0.0.1:{port}/logga-in/",
        }
        conn.request("POST", "/logga-in/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
        assert response.status == 302 and session, response.status
        conn.request("GET", path, headers={"Cookie": f"sessionid={session[1]}"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


DEMO_WORKERS = 2


def test_the_demo_serves_figures_from_every_worker_after_computing_them_itself(
    tmp_path, migrated_data_dir
):
    """The demo computes the figures before it serves (the first page is not cold). Workers
    forked from a process whose polars has run hang on their first figure, so the demo serves
    from a fresh process: every worker comes up and the overview answers with figures. Two
    workers (``--workers``, passed on to ``serve``) show that as well as the default four of
    two cores, each of which costs the run 1.3 CPU s to prepare and a login."""
    from tests.builders import write_set

    data_dir = migrated_data_dir(tmp_path)
    write_set(data_dir / "demo-2026-11-23-seed1")  # the demo's own place: nothing to generate
    port = _free_port()
    args = ["demo", "--until", "2026-11-23", "--password", "Fast-demolösen-7"]
    args += ["--workers", str(DEMO_WORKERS)]
    server = _started([*args, "--addr", f"127.0.0.1:{port}"], data_dir, port, DEMO_WORKERS)
    try:
        for _ in range(DEMO_WORKERS):
            status, html = _logged_in_get(port, "ledning", "Fast-demolösen-7", "/")
            assert status == 200 and "Övertid hittills i år" in html and "Överkapacitet" in html
    finally:
        out = _stopped(server)
    assert "Inloggning: användare demo (administratör), lösenord Fast-demolösen-7\n" in out
    assert "Gunicorn: 2 processer med 4 trådar vardera\n" in out
    ready = [line for line in out.splitlines() if line.startswith("Serverprocess ")]
    assert len(ready) == DEMO_WORKERS


def test_the_demo_refuses_zero_workers_before_it_imports(tmp_path):
    from django.test import override_settings

    with override_settings(DATA_DIR=tmp_path), pytest.raises(CommandError) as err:
        call_command("demo", "--workers", "0", "--addr", f"127.0.0.1:{_free_port()}")
    assert str(err.value) == "--workers måste vara minst 1"
    assert list(tmp_path.iterdir()) == []  # nothing generated


DEMO = ("demo", "--no-serve", "--password", "Fast-demolösen-7", "--until", "2026-11-23")


def _small_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo department itself is generated and imported by the browser tests; here the
    small hand-made set stands in for it so that the tests are about the demo's logins and
    plan."""
    from tests.builders import write_set
    from timbalans.records.management.commands import demo

    monkeypatch.setattr(demo, "generate", lambda out, **_: write_set(out))


@pytest.fixture(scope="module")
def demo_made(django_db_setup, django_db_blocker, tmp_path_factory):
    """``timbalans demo --no-serve`` run once for the module's demo tests (its import and
    warm-up are most of their time), inside a transaction kept open while the module runs
    and rolled back at its end (tests/conftest.py): its output and its data directory."""
    from django.test import override_settings

    from tests.conftest import _kept_until_the_end

    data_dir = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    with _kept_until_the_end(django_db_blocker):
        with pytest.MonkeyPatch.context() as monkeypatch, override_settings(DATA_DIR=data_dir):
            _small_demo(monkeypatch)
            with django_db_blocker.unblock():
                call_command(*DEMO, stdout=out)
        yield out.getvalue(), data_dir


@pytest.mark.django_db
def test_demo_with_a_fixed_password_sets_it_for_every_role(demo_made):
    from django.contrib.auth import authenticate

    from timbalans.records.management.commands import demo

    for username in demo.DEMO_ROLES:
        assert authenticate(username=username, password="Fast-demolösen-7") is not None


@pytest.mark.django_db
def test_demo_ships_unit_81515s_action_plan_with_monthly_follow_ups(
    demo_made, monkeypatch, settings
):
    from timbalans.plans.models import ActionPlan, FollowUp

    out, settings.DATA_DIR = demo_made
    _small_demo(monkeypatch)
    assert "Handlingsplan: Handlingsplan PA Norr 2026 (enhet 81515), uppföljd per månad." in out
    plan = ActionPlan.objects.get()
    assert (plan.unit_id, plan.period_start, plan.get_status_display()) == (
        "81515",
        dt.date(2026, 3, 31),
        "Pågående",
    )
    assert plan.measures.count() == 5
    # April to October 2026: seven month ends before 23 November, for each of five measures.
    assert FollowUp.objects.filter(measure__plan=plan).count() == 35
    call_command(*DEMO, stdout=io.StringIO())  # again: nothing new
    assert ActionPlan.objects.count() == 1
    assert FollowUp.objects.count() == 35
