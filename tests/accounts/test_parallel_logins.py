"""Seven wrong guesses at the same moment, each on its own connection: five are checked, the
other two refused, on SQLite (a file, as the app runs it) and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_do_not_get_past_the_limit(tmp_path, migrated_data_dir):
    data_dir = migrated_data_dir(tmp_path)  # SQLite: the other process migrates nothing
    env = {**os.environ, "TIMBALANS_DATA_DIR": str(data_dir), "TIMBALANS_LOGIN_MAX_FAILURES": "5"}
    env.pop("DATABASE_URL", None)
    if connection.vendor == "postgresql":
        # The test database of this run: the other process writes where this test reads.
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        )
    result = subprocess.run(
        [sys.executable, "-m", "tests.accounts.parallel_logins", "7"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "logged_in": 0,
        "checked": 5,
        "refused": 2,
        "locked": 1,
    }
