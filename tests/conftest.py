"""Fixtures every test directory shares.

The department (``imported``) and one user per role (``users``) are made once per test module
inside a transaction the module's tests share and that is rolled back when the module ends;
each test runs in a savepoint of its own inside it (pytest-django's ``db``), so what a test
writes is gone before the next one starts, as before. A directory chooses its department and
roles by overriding the module-scoped ``department`` and ``roles`` fixtures; the defaults are
the hand-written set of tests/builders.py and the five roles of the pages."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

PASSWORD = "Hemligt-lösen-42"

ROLES = {
    "admin": ("admin", []),
    "ledning": ("management", []),
    "controller": ("controller", []),
    "chef": ("unit_manager", ["81515"]),
    "samordnare": ("coordinator", []),
}


def pytest_configure(config):
    """Tests hash passwords with a fast hasher: Argon2 costs a tenth of a second per user, and
    most tests make five users. tests/web/test_login.py checks that production uses Argon2."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each module, tests that use no shared data run first, then those that use the
    users, then those that use the department (which comes with the users): shared data,
    once made, stays for the rest of the module, so this way no test sees data it did not
    ask for. Only runs of consecutive tests of one module are reordered, which keeps
    pytest-django's order (tests with a transaction of their own after the others)."""

    def needs(item: pytest.Item) -> tuple[bool, bool]:
        names = getattr(item, "fixturenames", ())
        return ("module_department" in names, "module_users" in names)

    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or _module(items[end]) is not _module(items[start]):
            items[start:end] = sorted(items[start:end], key=needs)
            start = end


def _module(item: pytest.Item) -> object:
    return getattr(item, "module", None)  # classes of a module too: module fixtures span them


# The module transactions now open, innermost last, each as the function that ends it.
_open: list[Callable[[], None]] = []


@contextmanager
def _kept_until_the_end(django_db_blocker) -> Iterator[None]:
    """A transaction left open while the module runs, rolled back at its end, or earlier when
    a test with a transaction of its own comes (see ``_module_data_ended``)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()

    def end() -> None:
        _open.remove(end)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    _open.append(end)
    try:
        yield
    finally:
        if end in _open:
            end()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(autouse=True)
def _module_data_ended(request: pytest.FixtureRequest) -> None:
    """A test with a transaction of its own needs the database without the module's open
    transaction. pytest-django runs such tests after all others, so in one process the module's
    shared data has long been rolled back; pytest-xdist hands out whole files, so there the
    module's open transaction is still there, and is rolled back here, its tests being done."""
    if _transactional(request):
        while _open:
            _open[-1]()


# The test database as migrated, in a SQLite file (``django_db_setup``); none on PostgreSQL.
_migrated: list[Path] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_use_migrations, tmp_path_factory):
    """pytest-django's test database and, on SQLite, a copy of it as migrated, before any test
    writes to it: what a command leaves in a new data directory (``migrated_data_dir``)."""
    from django.db import connection

    if connection.vendor == "sqlite" and django_db_use_migrations:
        path = tmp_path_factory.mktemp("migrated") / "timbalans.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            with closing(sqlite3.connect(path)) as target:
                connection.connection.backup(target)
        _migrated.append(path)
    yield


@pytest.fixture
def migrated_data_dir(django_db_setup) -> Callable[[Path], Path]:
    """Makes ``directory`` a data directory whose SQLite database is already migrated, as the
    first command in a new one leaves it (migrating a new file costs a command 1.5 CPU s and
    a hundred commits written to disk); the tests of that first run start from an empty
    directory. On PostgreSQL runs the directory is only made and its first command migrates."""

    def make(directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        if _migrated:
            with (
                closing(sqlite3.connect(_migrated[0])) as source,
                closing(sqlite3.connect(directory / "timbalans.sqlite3")) as target,
            ):
                source.backup(target)
        return directory

    return make


@pytest.fixture(scope="module")
def roles() -> dict[str, tuple[str, list[str]]]:
    """The users to make: username → (role, units)."""
    return ROLES


@pytest.fixture(scope="module")
def department() -> Callable[[Path], Path]:
    """Writes the department's tables into a directory and returns it."""
    from tests.builders import write_set

    return lambda directory: write_set(directory)


@pytest.fixture(scope="module")
def module_users(django_db_setup, django_db_blocker, roles):
    from timbalans.accounts.services import user_create

    with _kept_until_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            made = {
                name: user_create(username=name, role=role, unit_ids=units, password=PASSWORD)[0]
                for name, (role, units) in roles.items()
            }
        yield made


@pytest.fixture(scope="module")
def module_department(module_users, django_db_blocker, department, tmp_path_factory):
    from timbalans.records.services import import_batch_apply, import_dataset_validate

    with _kept_until_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            source = department(tmp_path_factory.mktemp("department") / "set")
            dataset = import_dataset_validate(source=source)
            assert dataset.ok, dataset.problems
            batch = import_batch_apply(dataset=dataset, source=str(source))
        yield batch


def _shared(request: pytest.FixtureRequest, made):
    # A test with a transaction of its own would run inside the module's open one.
    if _transactional(request):
        raise pytest.UsageError(f"{request.node.nodeid}: shared data needs the test transaction")
    if not _open:  # rolled back by a test with a transaction of its own that came first
        raise pytest.UsageError(f"{request.node.nodeid}: the module's shared data is gone")
    return copy.deepcopy(made)


@pytest.fixture
def users(request, db, module_users):
    """One user per role of ``roles``; a copy per test, so that a test's changes to the
    objects stay its own (as Django's setUpTestData does)."""
    return _shared(request, module_users)


@pytest.fixture
def imported(request, db, module_department):
    """The department's import batch (the users exist too)."""
    return _shared(request, module_department)


@pytest.fixture
def as_user(client, users):
    def login(name):
        client.force_login(users[name])
        return client

    return login


@pytest.fixture
def dataset_dir(tmp_path):
    from tests.builders import write_set

    return write_set(tmp_path / "set")


# The module whose tests share the figures computed so far (``figures_shared``), if any.
_figures_kept_for: list[object] = [None]


@pytest.fixture(autouse=True)
def _figure_cache_empty(request: pytest.FixtureRequest):
    """Each test starts with an empty figure cache: test databases reuse what a real one never
    does (numbering that starts over, rows written without an import).

    Except in a module marked ``figures_shared``, whose tests only read its shared data: its
    tests share what they compute, the cache being emptied before its first test, and each
    test checks that it changed no figure data (the stamp the cache is keyed by)."""
    from timbalans.records.figure_cache import _data_version_read, figure_cache_clear

    shared = request.node.get_closest_marker("figures_shared") is not None
    if not (shared and _figures_kept_for[0] is request.module):
        figure_cache_clear()
    _figures_kept_for[0] = request.module if shared else None
    if not shared or "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("db")
    before = _data_version_read()
    yield
    assert _data_version_read() == before, "a test of a figures_shared module changed data"


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
            from django.contrib.contenttypes.models import ContentType

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
    # the test database as migrated, copied (django_db_setup above)
    path = request.getfixturevalue("migrated_data_dir")(tmp_path) / "timbalans.sqlite3"
    with _file_database(path, django_db_blocker):
        yield
