"""The frames of file mode, of a SQLite file and of PostgreSQL are the same, row for row.

A SQLite file is made as an installation makes it (``timbalans migrate`` and ``import`` in
a process of their own) and read on a connection of its own; the test run's own database
(in-memory SQLite, or PostgreSQL) gets the same set, committed, and is read as the app reads it
(``frames_load``: through ADBC on PostgreSQL) and on Django's connection."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from django.db import connection
from polars.testing import assert_frame_equal

from tests.builders import write_set
from tests.conftest import _migrated
from tests.figures.test_frames import (
    ABSENCES,
    SHIFTS,
    TRICKY_CASES,
    TRICKY_FK,
    TRICKY_LEDGER,
)
from timbalans.figures.frames import frames_from_files
from timbalans.records.frames import (
    _django_reader,
    _own_possible,
    _own_reader,
    _read_all,
    frames_load,
)
from timbalans.records.services import import_batch_apply, import_dataset_validate

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _timbalans(home: Path, *args: str) -> None:
    """``timbalans ARGS`` in a process of its own, on the SQLite installation in ``home``."""
    env = {**os.environ, "TIMBALANS_DATA_DIR": str(home)}
    env.pop("DATABASE_URL", None)
    env.pop("TIMBALANS_SECRET_KEY", None)  # the installation keeps its own
    result = subprocess.run(
        [sys.executable, "-m", "timbalans", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, django_db_setup) -> Path:
    """A migrated, empty SQLite installation, copied by each test (``_sqlite_installation``):
    on SQLite runs a copy of the test database as migrated (tests/conftest.py), as
    ``timbalans migrate`` leaves it (one process and 1.5 CPU s less)."""
    home = tmp_path_factory.mktemp("migrated")
    if _migrated:
        shutil.copyfile(_migrated[0], home / "timbalans.sqlite3")
    else:
        _timbalans(home, "migrate", "-v0")
    return home


def _sqlite_installation(migrated: Path, data: Path, home: Path) -> Path:
    """A SQLite installation in ``home`` with ``data`` imported; its database file."""
    shutil.copytree(migrated, home)
    _timbalans(home, "import", str(data), "--no-progress")
    return home / "timbalans.sqlite3"


@pytest.fixture(scope="module")
def builders_installation(tmp_path_factory, migrated) -> Path:
    """A SQLite installation with the builders' set imported by ``timbalans import`` in a
    process of its own, made once for the module: the tests that need only that set in a
    file each change a copy of it (``_copy_of``), one import process (1.2 CPU s) less each."""
    root = tmp_path_factory.mktemp("builders")
    _sqlite_installation(migrated, write_set(root / "set"), root / "home")
    return root / "home"


def _copy_of(installation: Path, home: Path) -> Path:
    """A copy of ``installation`` in ``home``; its database file."""
    shutil.copytree(installation, home)
    return home / "timbalans.sqlite3"


def _sqlite_file_frames(path: Path) -> dict[str, pl.DataFrame]:
    return _read_all(_own_reader({"NAME": str(path)}, postgres=False))


def _sorted(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {t: f.sort(f.columns, nulls_last=True) for t, f in tables.items()}


def _assert_same(expected: dict[str, pl.DataFrame], got: dict[str, pl.DataFrame]) -> None:
    assert list(got) == list(expected)
    for table, frame in _sorted(expected).items():
        assert_frame_equal(_sorted(got)[table], frame, check_exact=True), table


def _imported_here(data: Path) -> None:
    import_batch_apply(dataset=import_dataset_validate(source=data), source=str(data))


@pytest.mark.django_db(transaction=True)
def test_file_mode_sqlite_and_postgresql_give_the_same_frames_row_for_row(tmp_path, migrated):
    from timbalans.generator import generate

    data = tmp_path / "set"
    generate(data, scale="department", seed=1, until=dt.date(2025, 2, 28))
    from_files = frames_from_files(data).as_dict()
    assert from_files["shifts"].height > 1000  # more than one batch of the drivers
    assert from_files["employments"]["valid_to"].null_count() > 0
    assert from_files["ledger"]["case_id"].null_count() > 0

    sqlite_file = _sqlite_file_frames(_sqlite_installation(migrated, data, tmp_path / "sqlite"))
    _assert_same(from_files, sqlite_file)

    _imported_here(data)
    assert _own_possible() == (connection.vendor == "postgresql")
    _assert_same(from_files, frames_load().as_dict())  # PostgreSQL: through ADBC
    connection.ensure_connection()
    _assert_same(from_files, _read_all(_django_reader()))


def _tricky_set(out: Path) -> Path:
    """The hand-made set with the texts, nulls and numbers that test a reader's quoting."""
    return write_set(
        out,
        cases=TRICKY_CASES,
        ledger=TRICKY_LEDGER,
        fk_reports=TRICKY_FK,
        absences=ABSENCES,
        shifts=SHIFTS,
    )


@pytest.mark.django_db(transaction=True)
def test_a_load_carries_quotes_delimiters_line_breaks_nulls_and_empty_text(tmp_path, migrated):
    data = _tricky_set(tmp_path / "s")
    from_files = frames_from_files(data).as_dict()
    sqlite_file = _sqlite_file_frames(_sqlite_installation(migrated, data, tmp_path / "sqlite"))
    _imported_here(data)
    here = frames_load().as_dict()
    for got in (sqlite_file, here):
        _assert_same(from_files, got)
        assert got["cases"].sort("case_id")["label"].to_list() == ["NULL", 'Tå\'g, "x"; y\nz']
        assert got["cases"].sort("case_id")["end_date"].to_list() == [
            None,
            dt.date(2026, 6, 30),
        ]
        assert got["ledger"].sort("amount")["text"].to_list() == [None, "'lön'"]
        assert got["ledger"].sort("amount")["amount"].to_list() == [-1000.5, 2000.25]
        assert got["shifts"].sort("start")["employee_id"].to_list() == ["E1", None]
        assert got["absences"].sort("start")["hours"].to_list() == [None, 2.5]
        assert got["accounts"].sort("account")["structural"].to_list() == [False, False]


def test_sqlite_writes_the_same_csv_for_a_column_that_may_be_null(tmp_path, migrated, monkeypatch):
    """Columns the database holds NOT NULL are written the cheaper way (``%Q``, ``%d``); the
    same frames come when every column is taken as one that may be NULL."""
    from timbalans.records import frames

    data = _tricky_set(tmp_path / "s")
    path = _sqlite_installation(migrated, data, tmp_path / "sqlite")
    with sqlite3.connect(path) as db:
        assert sorted(frames._sqlite_not_null(db, "cases")) == [
            "case_id", "id", "label", "service", "start_date", "unit_id"
        ]  # fmt: skip
    cheaper = _sqlite_file_frames(path)
    monkeypatch.setattr(frames, "_sqlite_not_null", lambda conn, table: frozenset())
    _assert_same(cheaper, _sqlite_file_frames(path))
    _assert_same(frames_from_files(data).as_dict(), cheaper)


def test_sqlite_writes_free_text_plain_unless_a_value_holds_a_line_break(
    tmp_path, migrated, monkeypatch
):
    """Free text comes as it is, one value a line; the piece whose text holds a line break
    (a case's label) is written again with its text in hexadecimal, and the frames are file
    mode's either way."""
    from timbalans.records import frames

    data = _tricky_set(tmp_path / "s")
    path = _sqlite_installation(migrated, data, tmp_path / "sqlite")
    written = []
    columns_sql = frames._sqlite_columns_sql

    def noted(table, not_null, plain_text=True):
        written.append((table, plain_text))
        return columns_sql(table, not_null, plain_text)

    monkeypatch.setattr(frames, "_sqlite_columns_sql", noted)
    monkeypatch.setattr(frames, "_SQLITE_PIECE_IDS", 1)  # one piece per row
    got = _sqlite_file_frames(path)
    _assert_same(frames_from_files(data).as_dict(), got)
    assert ("cases", False) in written
    assert written.count(("cases", False)) == 1  # the label with a line break, not the other
    assert ("ledger", False) not in written  # quotes, commas and semicolons need no coding
    assert got["cases"].sort("case_id")["label"].to_list() == ["NULL", 'Tå\'g, "x"; y\nz']


def test_plain_sqlite_text_keeps_carriage_returns_a_bom_and_empty_values(
    tmp_path, builders_installation
):
    """Text written plain is split at its line breaks only: a carriage return at a value's
    end and a byte order mark at the text's start stay, and an empty value stays empty (a
    CSV reader would drop the first two and read the last as null)."""
    path = _copy_of(builders_installation, tmp_path / "sqlite")
    with sqlite3.connect(path) as db:
        ids = [i for (i,) in db.execute("SELECT id FROM records_ledgerentry ORDER BY id")]
        db.execute("UPDATE records_ledgerentry SET text = ? WHERE id = ?", ("\ufeffkonto", ids[0]))
        db.execute("UPDATE records_ledgerentry SET text = ? WHERE id = ?", ("lön\r", ids[1]))
        db.execute("UPDATE records_unit SET department = ''")
    got = _sqlite_file_frames(path)
    assert got["ledger"].sort("amount")["text"].to_list() == ["\ufeffkonto", "lön\r"]
    assert got["units"]["department"].to_list() == [None, None]  # optional: "" is None
    assert got["units"]["name"].to_list() == ["PA Norr", "PA Syd"]


def test_sqlite_is_read_in_pieces_of_ids_as_in_one(tmp_path, migrated, monkeypatch):
    """SQLite's CSV of a table comes in pieces of ids (a national table in one would pass
    SQLite's limit on the length of a value): pieces of one id each, half of them rows
    replaced by a second import of the set, give file mode's frames, no row twice."""
    from timbalans.records import frames

    data = _tricky_set(tmp_path / "s")
    path = _sqlite_installation(migrated, data, tmp_path / "sqlite")
    _timbalans(tmp_path / "sqlite", "import", str(data), "--no-progress")
    with sqlite3.connect(path) as db:
        stored, in_force = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE replaced_by_id IS NULL) FROM records_shift"
        ).fetchone()
    assert (stored, in_force) == (4, 2)
    monkeypatch.setattr(frames, "_SQLITE_PIECE_IDS", 1)
    _assert_same(frames_from_files(data).as_dict(), _sqlite_file_frames(path))


def test_sqlite_finds_the_pieces_ids_without_reading_the_table(tmp_path, builders_installation):
    """The least and the greatest id come from the ends of the table's tree: SQLite runs
    as many instructions for 3,000 shifts as for one (min and max in one query would scan
    a whole index)."""
    from timbalans.records import frames

    path = _copy_of(builders_installation, tmp_path / "sqlite")
    with sqlite3.connect(path) as db:
        batch, case = db.execute("SELECT batch_id, case_id FROM records_worked").fetchone()
        row = (
            'INSERT INTO records_shift (batch_id, month, shift_id, start, "end",'
            " break_minutes, kind, case_id) VALUES (?, '2025-01', '', ?, ?, 0, 'assistance', ?)"
        )
        db.execute(row, (batch, "2025-01-01 06:00:00", "2025-01-01 07:00:00", case))
    instructions = []

    def starts() -> range:
        with sqlite3.connect(path) as db:
            counted = [0]
            db.set_progress_handler(lambda: counted.__setitem__(0, counted[0] + 1), 1)
            found = frames._sqlite_starts(db, "shifts")
            instructions.append(counted[0])
            return found

    one = starts()
    with sqlite3.connect(path) as db:
        db.executemany(row, [(batch, "2025-01-02 06:00:00", "2025-01-02 07:00:00", case)] * 2999)
    assert (one, starts()) == (range(1, 2, 1 << 17), range(1, 3001, 1 << 17))
    assert instructions[0] == instructions[1]


def _writer_threads() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name == "sqlite-frames"]


def test_an_error_on_either_side_of_the_sqlite_read_ends_it(
    tmp_path, builders_installation, monkeypatch
):
    """SQLite writes the CSV in a thread of its own while the caller reads and types the
    tables: an error in SQLite's thread comes to the caller, and an error of the caller's
    stops SQLite's thread; neither leaves the thread behind."""
    from timbalans.records import frames

    path = _copy_of(builders_installation, tmp_path / "sqlite")
    monkeypatch.setattr(frames, "_SQLITE_PIECE_IDS", 1)  # many pieces: the writer is ahead
    columns_sql = frames._sqlite_columns_sql
    monkeypatch.setattr(
        frames,
        "_sqlite_columns_sql",
        lambda table, *rest: (
            "SELECT no_such_column" if table == "worked" else columns_sql(table, *rest)
        ),
    )
    with pytest.raises(sqlite3.OperationalError, match="no such column: no_such_column"):
        _sqlite_file_frames(path)
    assert _writer_threads() == []
    monkeypatch.setattr(frames, "_sqlite_columns_sql", columns_sql)

    taken = []

    def take(table, raw):
        taken.append((table, raw.height))
        if table == "employees":
            raise ValueError("stopp")

    with frames._own_reader({"NAME": str(path)}, postgres=False) as reader:
        with pytest.raises(ValueError, match="stopp"):
            reader.read_each(take)
        assert _writer_threads() == []
        assert reader.read("units").height == 2  # the connection is free again
    assert taken == [("units", 2), ("cases", 2), ("decisions", 2), ("employees", 2)]


def test_a_sqlite_column_of_nulls_before_its_first_value_keeps_its_type(tmp_path, migrated):
    """A column's type is not taken from its first rows (ADBC's SQLite driver typed it by
    its first batch); 1,100 whole-day absences (hours NULL) come before the one with hours."""
    path = _sqlite_installation(
        migrated, write_set(tmp_path / "s", absences=ABSENCES), tmp_path / "db"
    )
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM records_absence")
        batch, employee = db.execute(
            "SELECT batch_id, employee_id FROM records_worked LIMIT 1"
        ).fetchone()
        row = (
            "INSERT INTO records_absence (batch_id, replaced_by_id, month, employee_id, start,"
            ' "end", whole_days, type, extent_percent, hours) VALUES'
            " (?, NULL, '2025-01', ?, ?, ?, ?, 'sick', 100, ?)"
        )
        db.executemany(
            row,
            [(batch, employee, "2025-01-02 23:00:00", "2025-01-03 23:00:00", 1, None)] * 1100
            + [(batch, employee, "2025-01-10 07:00:00", "2025-01-10 09:30:00", 0, 2.5)],
        )
    absences = _sqlite_file_frames(path)["absences"]
    assert absences.height == 1101
    assert absences["hours"].dtype == pl.Float64
    assert absences["hours"].null_count() == 1100
    assert absences["hours"].drop_nulls().to_list() == [2.5]
    assert absences["whole_days"].sum() == 1100
    # 07:00 UTC, stored as the import stores it, is 08:00 in Stockholm in January
    assert absences["start"].max() == dt.datetime(2025, 1, 10, 8, 0, tzinfo=STOCKHOLM)


def _units_read_twice(reader, commit_a_unit) -> tuple[int, int]:
    """Units read twice by one reader, a unit committed elsewhere in between."""
    with reader as r:
        before = r.read("units").height
        commit_a_unit()
        return before, r.read("units").height


@pytest.mark.django_db(transaction=True)
def test_one_load_reads_one_moment_while_an_import_commits(tmp_path, builders_installation):
    data = write_set(tmp_path / "s")
    path = _copy_of(builders_installation, tmp_path / "sqlite")

    def sqlite_unit():
        with sqlite3.connect(path) as db:
            db.execute(
                "INSERT INTO records_unit (unit_id, name, cost_center, department)"
                " VALUES ('81599', 'Ny', '81599', '')"
            )

    reader = _own_reader({"NAME": str(path)}, postgres=False)
    assert _units_read_twice(reader, sqlite_unit) == (2, 2)
    assert len(_sqlite_file_frames(path)["units"]) == 3
    if connection.vendor == "postgresql":
        from timbalans.records import models as m

        _imported_here(data)

        def postgres_unit():
            m.Unit.objects.create(unit_id="81599", name="Ny", cost_center="81599")

        reader = _own_reader(connection.settings_dict, postgres=True)
        assert _units_read_twice(reader, postgres_unit) == (2, 2)
        assert frames_load().units.height == 3


@pytest.mark.django_db(transaction=True)
def test_the_postgresql_readers_share_one_snapshot(tmp_path):
    """PostgreSQL's tables are read on two connections at once: the second imports the
    first's snapshot, so neither sees a unit committed after the first began, whichever
    reads the units."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from timbalans.records import models as m
    from timbalans.records.frames import _Reader

    _imported_here(write_set(tmp_path / "s"))
    with _own_reader(connection.settings_dict, postgres=True) as reader:
        assert len(reader.others) == 1
        m.Unit.objects.create(unit_id="81599", name="Ny", cost_center="81599")
        second = _Reader(reader.others[0], postgres=True)
        assert [reader.read("units").height, second.read("units").height] == [2, 2]
    assert frames_load().units.height == 3


@pytest.mark.django_db(transaction=True)
def test_the_postgresql_readers_share_one_adbc_database_and_plan_no_workers(monkeypatch):
    """The second reader is the first's clone: ADBC reads PostgreSQL's catalog of types
    once per database, not per connection. Neither plans parallel workers, which a table
    without statistics (right after an import) would otherwise get."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import adbc_driver_postgresql.dbapi as driver

    connects = []
    connect = driver.connect
    monkeypatch.setattr(driver, "connect", lambda *a, **k: connects.append(a) or connect(*a, **k))
    settings = []
    with _own_reader(connection.settings_dict, postgres=True) as reader:
        for conn in [reader.connection, *reader.others]:
            with conn.cursor() as cursor:
                cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
                settings.append(cursor.fetchone()[0])
    assert len(connects) == 1
    assert settings == ["0", "0"]


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_table_is_typed_once_it_and_the_tables_it_refers_to_are_read(
    tmp_path, monkeypatch
):
    """The worked time is typed while the shifts are still being read on the other
    connection (the shifts' read here waits for it); every table is typed after the tables
    it refers to, and the load gives the tables in the canonical set's order."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import threading

    from timbalans.records import frames

    _imported_here(write_set(tmp_path / "s"))
    worked_typed = threading.Event()
    read, typed = frames._Reader.read, frames._typed

    def shifts_after_worked(self, table):
        if table == "shifts":
            assert worked_typed.wait(timeout=30), "the worked time waited for the shifts"
        return read(self, table)

    order = []

    def noted(table, raw, codes, postgres):
        order.append(table)
        if table == "worked":
            worked_typed.set()
        return typed(table, raw, codes, postgres)

    monkeypatch.setattr(frames._Reader, "read", shifts_after_worked)
    monkeypatch.setattr(frames, "_typed", noted)
    tables = frames._read_all()
    assert list(tables) == list(frames._QUERIES)
    assert order.index("worked") < order.index("shifts")
    assert sorted(order) == sorted(frames._QUERIES)
    for i, table in enumerate(order):
        assert frames._references(table) <= set(order[:i]), table
    assert sorted(tables["worked"]["case_id"].to_list()) == ["51357", "51470", "51470"]


@pytest.mark.django_db(transaction=True)
def test_an_error_of_a_postgresql_reader_comes_to_the_load(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import threading

    from timbalans.records import frames

    _imported_here(write_set(tmp_path / "s"))
    select_sql = frames._select_sql
    monkeypatch.setattr(
        frames,
        "_select_sql",
        lambda table: "SELECT no_such_column" if table == "worked" else select_sql(table),
    )
    from adbc_driver_manager import ProgrammingError

    with pytest.raises(ProgrammingError, match='column "no_such_column" does not exist'):
        frames_load()
    assert [t for t in threading.enumerate() if t.name == "postgres-frames"] == []


def test_a_key_is_mapped_to_its_code_and_an_unknown_or_null_key_to_none():
    from timbalans.records.frames import _codes_at

    ref = pl.DataFrame({"_pk": [3, 5], "code": ["51470", "51357"]})
    keys = pl.Series([5, None, 3, 4, 9, 5])
    assert _codes_at(keys, ref).to_list() == ["51357", None, "51470", None, None, "51357"]
    assert _codes_at(pl.Series([None], dtype=pl.Int64), ref[:0]).to_list() == [None]


def test_the_adbc_connection_string_takes_libpq_settings_only():
    from timbalans.records.frames import _postgres_conninfo

    conninfo = _postgres_conninfo(
        {
            "NAME": "timbalans",
            "USER": "app",
            "PASSWORD": "hemligt 'ord'",
            "HOST": "db.example",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require", "isolation_level": 3, "pool": True},
        }
    )
    assert conninfo == (
        "dbname=timbalans user=app password='hemligt \\'ord\\'' host=db.example port=5433 "
        "sslmode=require"
    )


def test_a_load_from_a_sqlite_file_keeps_this_processs_write_lock(tmp_path, builders_installation):
    """The file locks of a process are the process's: a second copy of SQLite in it (an ADBC
    driver carries its own) that opens and closes the file releases the locks the first copy
    holds, and another process could then write beside a write going on here (SQLite's "How
    to corrupt", 2.2). A load reads SQLite through Python's own copy, which keeps them."""
    path = _copy_of(builders_installation, tmp_path / "home")
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # this process holds the write lock, as an import does
    try:
        assert _sqlite_file_frames(path)["units"].height == 2
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sqlite3; sqlite3.connect({str(path)!r}, timeout=0)"
                ".execute('BEGIN IMMEDIATE')",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert other.returncode == 1
        assert other.stderr.splitlines()[-1] == "sqlite3.OperationalError: database is locked"
    finally:
        writer.execute("ROLLBACK")
        writer.close()


_DRIVERS_IMPORTED = (
    "import sys, django; django.setup()\n"
    "from timbalans.records.frames import frames_prepare\n"
    "before = [m for m in ('adbc_driver_postgresql.dbapi', 'pyarrow') if m in sys.modules]\n"
    "frames_prepare()\n"
    "print(before, [m for m in ('adbc_driver_postgresql.dbapi', 'pyarrow') if m in sys.modules])"
)


def test_the_readers_drivers_are_imported_ahead_on_postgresql_only(tmp_path):
    """``frames_prepare`` (a server process at its start) imports ADBC's driver and pyarrow
    on PostgreSQL, which the first load would otherwise import, and nothing on SQLite."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timbalans.config.settings",
        "TIMBALANS_DATA_DIR": str(tmp_path),
    }
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", _DRIVERS_IMPORTED],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    drivers = ["adbc_driver_postgresql.dbapi", "pyarrow"]
    after = drivers if connection.vendor == "postgresql" else []
    assert result.stdout.strip() == f"[] {after}"


def test_a_server_worker_prepares_the_reader_before_its_first_request(monkeypatch):
    from timbalans.figures import registry
    from timbalans.records import frames
    from timbalans.records.management.commands.serve import worker_prepare

    prepared = []
    monkeypatch.setattr(frames, "frames_prepare", lambda: prepared.append("frames"))
    imported = []
    monkeypatch.setattr(registry, "import_module", lambda m: imported.append(m) or import_module(m))
    worker_prepare()
    assert prepared == ["frames"]
    # Every figure's module, as the registry names them.
    assert sorted(set(imported)) == sorted({m for m, _ in registry._FUNCTIONS.values()})
