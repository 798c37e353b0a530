"""Helpers for the benchmark scripts: run a command in a child process, time it, peak memory."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# On PostgreSQL the app refuses to start without a secret key (timbalans/config/settings.py);
# the child processes of one benchmark run share this one.
os.environ.setdefault("TIMBALANS_SECRET_KEY", "benchmark-" + secrets.token_urlsafe(40))


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout) of a command run to completion in a child process.

    Peak memory is the child's own maximum resident set size, from wait4.
    """
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=full_env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            sys.stderr.write(err.read().decode("utf-8", "replace")[-4000:])
            raise SystemExit(f"failed: {' '.join(args)}")
    return seconds, usage.ru_maxrss / 1024, stdout


def python_snippet(code: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    return run_measured([PYTHON, "-c", code], env)
