"""Shared web test data: the hand-written set of tests/builders.py (two units, two cases),
with one sick spell per employee, and one user per role (``users``, ``imported`` and
``as_user`` are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections

from tests.builders import write_set
from tests.conftest import PASSWORD, ROLES

__all__ = ["PASSWORD", "ROLES"]

AS_OF = "2025-02-15"

ABSENCES = (
    "employee_id;start;end;type;extent_percent;hours\n"
    "E1;2025-02-03;2025-02-04;sick;100;\n"
    "E2;2025-02-05;2025-02-05;sick;100;\n"
)

SHIFTS = (
    "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
    "S1;51470;E1;2025-02-20 07:00;2025-02-20 16:00;60;assistance\n"
    "S2;51357;;2025-02-21 22:00;2025-02-22 07:00;0;assistance\n"
)


@pytest.fixture(scope="module")
def department():
    """The set that ``imported`` (tests/conftest.py) imports once per module."""
    return lambda directory: write_set(directory, absences=ABSENCES, shifts=SHIFTS)


@contextmanager
def _file_database(path: Path, django_db_blocker) -> Iterator[None]:
    """The default connection on the SQLite file ``path`` instead of the in-memory test
    database, which is kept aside: closing its last connection would destroy it."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock():
        wrapper.ensure_connection()
        memory, name = wrapper.connection, wrapper.settings_dict["NAME"]
        wrapper.connection = None
        wrapper.settings_dict["NAME"] = str(path)
        try:
            yield
        finally:
            wrapper.close()
            wrapper.settings_dict["NAME"] = name
            wrapper.connection = memory
            ContentType.objects.clear_cache()


@pytest.fixture
def threads_db(transactional_db, tmp_path, django_db_blocker, request):
    """A database that threads share, each on a connection of its own, as in production.

    On PostgreSQL the test database without a test transaction (``transactional_db``). On
    SQLite a migrated file with the settings' options, for the test's duration: the
    in-memory test database is shared-cache, whose table locks fail at once where a file's
    locks wait, so it cannot show how the real database behaves under concurrent writes.
    Threads close their connections when they end."""
    if connection.vendor != "sqlite":
        yield
        return
    # the test database as migrated, copied (tests/conftest.py)
    path = request.getfixturevalue("migrated_data_dir")(tmp_path) / "timbalans.sqlite3"
    with _file_database(path, django_db_blocker):
        yield
