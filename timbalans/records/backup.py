"""Backup and restore of one installation: the database and the data directory.

A backup is a folder: ``backup.json`` (what it holds), the database (``database.sqlite3``,
written by SQLite's online backup API, safe while the app runs; or ``database.pgdump``, a
``pg_dump`` custom-format archive) and ``data-directory.tar.gz`` (the data directory without
the database, uploads in progress and collected static files: the kept secret key, demo sets).
Restore is for a fresh installation or one that is stopped: it refuses a database that
already holds tables unless told to replace it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

MANIFEST = "backup.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
DATA_ARCHIVE = "data-directory.tar.gz"
# Not worth keeping: the database is saved on its own, uploads are deleted when their import
# ends, static files are rebuilt from the app, the figure cache's files are computed again.
SKIPPED = (
    "timbalans.sqlite3",
    "timbalans.sqlite3-wal",
    "timbalans.sqlite3-shm",
    "uploads",
    "static",
    "figure-cache",  # figure_cache.FILES_DIR
)

NOT_EMPTY = "Mappen {path} finns redan och är inte tom: välj en ny mapp för säkerhetskopian."
NOT_A_BACKUP = "{path} är ingen säkerhetskopia av Timbalans (backup.json saknas)."
WRONG_DATABASE = (
    "Säkerhetskopian är från {saved}, men den här installationen använder {current}: "
    "återställ den i en installation med samma databas."
)
DATABASE_IN_USE = (
    "Databasen innehåller redan tabeller. Återställ i en ny, tom databas, eller ange "
    "--replace för att ersätta allt i den (stoppa först webbappen)."
)
TOOL_FAILED = "{tool} misslyckades: {message}"
UNSAFE_MEMBER = "Säkerhetskopian innehåller {name}, som inte kan återställas i datamappen."


class BackupError(Exception):
    """A backup or restore refused or failed; the message is in Swedish."""


def _vendor() -> str:
    return connection.vendor


def _pg_args() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore, the password in the environment."""
    s = settings.DATABASES["default"]
    args = ["-h", str(s.get("HOST") or "localhost"), "-U", str(s.get("USER") or "postgres")]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed tools, arguments from the settings
        [tool, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(TOOL_FAILED.format(tool=tool, message=result.stderr.strip()))


def backup_write(*, out: Path) -> dict[str, Any]:
    """Write a backup of the database and the data directory into the new folder ``out``."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(NOT_EMPTY.format(path=out))
    out.mkdir(parents=True, exist_ok=True, mode=0o700)  # the backup is personal data
    vendor = _vendor()
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out / SQLITE_FILE)
        with target:
            connection.connection.backup(target)
        target.close()
        database = SQLITE_FILE
    else:
        args, env = _pg_args()
        name = str(settings.DATABASES["default"]["NAME"])
        _run("pg_dump", [*args, "-Fc", "-f", str(out / PG_FILE), name], env)
        database = PG_FILE
    data_dir = Path(settings.DATA_DIR)
    with tarfile.open(out / DATA_ARCHIVE, "w:gz") as tar:
        for path in sorted(data_dir.iterdir()) if data_dir.exists() else []:
            if path.name not in SKIPPED and path.resolve() != out.resolve():
                tar.add(path, arcname=path.name)
    manifest = {
        "database": vendor,
        "file": database,
        "made": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    for path in out.iterdir():
        path.chmod(0o600)
    return manifest


def _database_has_tables() -> bool:
    return bool(connection.introspection.table_names())


def backup_restore(*, source: Path, replace: bool = False) -> dict[str, Any]:
    """Restore the backup in ``source`` into this installation's database and data
    directory. Run ``migrate`` afterwards (the command does) for a backup of an older version."""
    if not (source / MANIFEST).exists():
        raise BackupError(NOT_A_BACKUP.format(path=source))
    manifest = json.loads((source / MANIFEST).read_text())
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise BackupError(WRONG_DATABASE.format(saved=manifest["database"], current=vendor))
    if _database_has_tables() and not replace:
        raise BackupError(DATABASE_IN_USE)
    with tarfile.open(source / DATA_ARCHIVE, "r:gz") as tar:
        _plain_members(tar)  # refused before anything is changed
    if vendor == "sqlite":
        connection.ensure_connection()
        saved = sqlite3.connect(source / SQLITE_FILE)
        with saved:
            saved.backup(connection.connection)  # replaces every page of the target
        saved.close()
        connection.close()
    else:
        args, env = _pg_args()
        name = str(settings.DATABASES["default"]["NAME"])
        options = ["--no-owner", "--no-privileges", "--exit-on-error"]
        if replace:
            options += ["--clean", "--if-exists"]
        connection.close()
        _run("pg_restore", [*args, *options, "-d", name, str(source / PG_FILE)], env)
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(source / DATA_ARCHIVE, "r:gz") as tar:
        tar.extractall(data_dir, members=_plain_members(tar))  # noqa: S202 - checked
    return manifest


def _plain_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Files and folders inside the data directory, nothing else (no links, devices or
    paths that leave it): what tarfile's "data" filter does, which Python 3.11 before
    3.11.4 (Debian 12's) lacks."""
    members = tar.getmembers()
    for m in members:
        parts = Path(m.name).parts
        if m.name.startswith("/") or ".." in parts or not (m.isfile() or m.isdir()):
            raise BackupError(UNSAFE_MEMBER.format(name=m.name))
        m.mode &= 0o700  # personal data: the owner's only
    return members
