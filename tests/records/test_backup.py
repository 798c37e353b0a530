"""timbalans backup / restore: a round trip into a fresh database gives the same figures, on
the database this test run uses (SQLite files, or new PostgreSQL databases)."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tarfile
import uuid

import psycopg
import pytest
from django.db import connection

from tests.builders import write_set
from tests.conftest import _migrated
from timbalans.records.backup import DATABASE_IN_USE, NOT_A_BACKUP, NOT_EMPTY, UNSAFE_MEMBER

AS_OF = "2025-02-15"


def _run(env, *args):
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def _timbalans(env, *args):
    return _run(env, "-m", "timbalans", *args)


def _differences(before, after, path="") -> list[str]:
    """Where two figure documents differ: anything but a number exactly, numbers to a
    billionth (polars may add a column's values in another order from one process to the
    next, with the threads it has, which moves a sum in its 15th digit: a case's result
    -319.4143199999994 or -319.41431999999986)."""
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        return [d for k in before for d in _differences(before[k], after[k], f"{path}/{k}")]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            d
            for i, pair in enumerate(zip(before, after, strict=True))
            for d in _differences(*pair, f"{path}/{i}")
        ]
    numbers = (int, float)
    if (
        isinstance(before, numbers)
        and isinstance(after, numbers)
        and not isinstance(before, bool)
        and not isinstance(after, bool)
    ):
        same = math.isclose(before, after, rel_tol=1e-9, abs_tol=1e-9)
    else:
        same = before == after
    return [] if same else [f"{path}: {before!r} != {after!r}"]


def _installation(path, created: list[str], *, tables: bool = False) -> dict[str, str]:
    """The environment of an installation (data directory and database) at path; a new
    PostgreSQL database's name goes into ``created``. With ``tables``, on SQLite, its database
    is a copy of the test database as migrated (tests/conftest.py), as ``timbalans migrate``
    or its first command would leave it (one process and 1.5 CPU s less)."""
    s = connection.settings_dict
    env = {**os.environ, "TIMBALANS_DATA_DIR": str(path)}
    env.pop("DATABASE_URL", None)
    if connection.vendor == "sqlite":
        env.pop("TIMBALANS_SECRET_KEY", None)  # the installation keeps its own
        if tables and _migrated:
            path.mkdir(parents=True)
            shutil.copyfile(_migrated[0], path / "timbalans.sqlite3")
    if connection.vendor == "postgresql":
        database = f"{s['NAME']}_backup_{path.name}_{uuid.uuid4().hex[:8]}"
        with _postgres() as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{database}"
        )
    return env


def _postgres() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"],
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )


def _dropped(created: list[str]) -> None:
    if created:
        with _postgres() as admin:
            for database in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def installations(tmp_path, db):
    """Two installations (data directory and database): the first one, with its tables on
    SQLite, and a fresh one."""
    created: list[str] = []
    yield [
        _installation(tmp_path / "first", created, tables=True),
        _installation(tmp_path / "fresh", created),
    ]
    _dropped(created)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, django_db_setup):
    """An installation with its tables and no data, and a backup of it: made once for the
    tests that need a database with tables or a good backup (each migration and command is a
    process of its own). Its environment and the backup's folder; a test copies the folder
    before changing it."""
    created: list[str] = []
    path = tmp_path_factory.mktemp("migrated")
    env = _installation(path / "installation", created, tables=True)
    if not (connection.vendor == "sqlite" and _migrated):  # else a copy with its tables
        _timbalans(env, "migrate", "-v0")
    _timbalans(env, "backup", str(path / "backup"))
    yield env, path / "backup"
    _dropped(created)


def test_a_restored_backup_gives_the_same_figures_in_a_fresh_database(tmp_path, installations):
    first, fresh = installations
    data = write_set(tmp_path / "set")
    if not (connection.vendor == "sqlite" and _migrated):  # else a copy with its tables
        _timbalans(first, "migrate", "-v0")
    _timbalans(first, "import", str(data), "--no-progress")
    _timbalans(first, "create-user", "chef", "--role", "unit_manager", "--unit", "81515")
    before = json.loads(_run(first, "-m", "tests.records.figures_dump", AS_OF))
    assert before["figures"]["hour-balance"]  # figures to compare, not empty tables
    out = tmp_path / "backup"
    _timbalans(first, "backup", str(out))
    # the figure cache's files (made by the import's warm-up) are computed again, not kept
    assert (tmp_path / "first" / "figure-cache").is_dir()
    with tarfile.open(out / "data-directory.tar.gz") as tar:
        assert not [n for n in tar.getnames() if n.startswith("figure-cache")]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "backup.json",
            "data-directory.tar.gz",
            "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump",
        ]
    )

    _timbalans(fresh, "restore", str(out))
    after = json.loads(_run(fresh, "-m", "tests.records.figures_dump", AS_OF))
    assert _differences(before, after) == []
    assert _differences({"a": [1.0]}, {"a": [1.001]}) == ["/a/0: 1.0 != 1.001"]
    if connection.vendor == "sqlite":  # with PostgreSQL the key is given, not kept
        kept = (tmp_path / "first" / "secret_key").read_text()
        assert (tmp_path / "fresh" / "secret_key").read_text() == kept


def test_restore_refuses_a_database_that_has_tables_unless_told_to_replace(migrated):
    first, out = migrated  # its own backup: restored with --replace, the same tables
    refused = subprocess.run(
        [sys.executable, "-m", "timbalans", "restore", str(out)],
        env=first,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1
    assert DATABASE_IN_USE in refused.stderr
    _timbalans(first, "restore", str(out), "--replace")


def test_backup_and_restore_refuse_wrong_folders(tmp_path, installations):
    first, _ = installations
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    for args, message in (
        (["backup", str(tmp_path / "full")], NOT_EMPTY.format(path=tmp_path / "full")),
        (["restore", str(tmp_path / "full")], NOT_A_BACKUP.format(path=tmp_path / "full")),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "timbalans", *args],
            env=first,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1
        assert message in result.stderr


def test_restore_refuses_an_archive_that_would_write_outside_the_data_directory(
    tmp_path, installations, migrated
):
    _, fresh = installations
    _, backup = migrated
    out = shutil.copytree(backup, tmp_path / "backup")
    shutil.copytree(backup, tmp_path / "good")
    (tmp_path / "evil").write_text("x")
    with tarfile.open(out / "data-directory.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "evil", arcname="../evil")
    result = subprocess.run(
        [sys.executable, "-m", "timbalans", "restore", str(out)],
        env=fresh,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert UNSAFE_MEMBER.format(name="../evil") in result.stderr
    # Nothing was restored: the database has no tables, so a good backup is taken.
    _timbalans(fresh, "restore", str(tmp_path / "good"))
