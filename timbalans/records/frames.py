"""The canonical tables in force as polars frames for the figures (file mode's dtypes and
values), read from the database in one query per table.

PostgreSQL: the queries run through ADBC (``adbc-driver-postgresql``) and
``polars.read_database``: the driver hands polars typed Arrow columns, with no Python object
per value and no text to parse (PostgreSQL sends them in its binary COPY format). SQLite:
through Python's own ``sqlite3``, as a text per column that SQLite writes itself
(``_sqlite_columns_sql``), never through a driver that carries a second copy of SQLite
(docs/design.md: a second copy in the process releases the file locks the first holds).
Both on connections of their own, in read-only transactions of one snapshot (PostgreSQL:
two connections reading at once, ``_postgres_snapshot``; SQLite: one, SQLite writing in a
thread of its own while polars reads, ``_sqlite_read_each``); where such a connection would
not see Django's data (inside a transaction; SQLite's in-memory test database) they run on
Django's connection instead, to the same columns (``_reader``).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any, cast

import polars as pl
from django.db import connection

from timbalans.figures.frames import Frames

# Each canonical table as one query over its own database table, in force rows only, with
# references as internal keys (``@case`` etc.: mapped to the codes in polars, so the database
# does no join per row). Per column: name in the frame, database column, and what it holds
# (``text`` is free text; ``enum`` a fixed choice or a ``YYYY-MM`` month, checked on import).
_ID = "_pk"
_QUERIES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "units": (
        "records_unit",
        [
            (_ID, "id", "int"),
            ("unit_id", "unit_id", "text"),
            ("name", "name", "text"),
            ("cost_center", "cost_center", "text"),
            ("department", "department", "text"),
        ],
    ),
    "cases": (
        "records_case",
        [
            (_ID, "id", "int"),
            ("case_id", "case_id", "text"),
            ("unit_id", "unit_id", "@unit"),
            ("service", "service", "enum"),
            ("start_date", "start_date", "date"),
            ("end_date", "end_date", "date"),
            ("label", "label", "text"),
        ],
    ),
    "decisions": (
        "records_decision",
        [
            ("case_id", "case_id", "@case"),
            ("payer", "payer", "enum"),
            ("hours_per_week", "hours_per_week", "float"),
            ("double_hours_per_week", "double_hours_per_week", "float"),
            ("valid_from", "valid_from", "date"),
            ("valid_to", "valid_to", "date"),
            ("period_start", "period_start", "date"),
            ("period_months", "period_months", "int"),
            ("hourly_rate", "hourly_rate", "float"),
        ],
    ),
    "employees": (
        "records_employee",
        [
            (_ID, "id", "int"),
            ("employee_id", "employee_id", "text"),
            ("name", "name", "text"),
            ("unit_id", "unit_id", "@unit"),
        ],
    ),
    "employments": (
        "records_employment",
        [
            ("employee_id", "employee_id", "@employee"),
            ("form", "form", "enum"),
            ("employment_rate", "employment_rate", "float"),
            ("full_time_hours_per_week", "full_time_hours_per_week", "float"),
            ("monthly_salary", "monthly_salary", "float"),
            ("hourly_wage", "hourly_wage", "float"),
            ("valid_from", "valid_from", "date"),
            ("valid_to", "valid_to", "date"),
            ("status", "status", "enum"),
        ],
    ),
    "accounts": (
        "records_account",
        [
            ("account", "account", "text"),
            ("category", "category", "enum"),
            ("structural", "structural", "bool"),
        ],
    ),
    "shifts": (
        "records_shift",
        [
            ("shift_id", "shift_id", "text"),
            ("case_id", "case_id", "@case"),
            ("employee_id", "employee_id", "@employee"),
            ("start", "start", "ts"),
            ("end", '"end"', "ts"),
            ("break_minutes", "break_minutes", "int"),
            ("kind", "kind", "enum"),
        ],
    ),
    "worked": (
        "records_worked",
        [
            ("case_id", "case_id", "@case"),
            ("employee_id", "employee_id", "@employee"),
            ("start", "start", "ts"),
            ("end", '"end"', "ts"),
            ("break_minutes", "break_minutes", "int"),
            ("time_type", "time_type", "enum"),
        ],
    ),
    "absences": (
        "records_absence",
        [
            ("employee_id", "employee_id", "@employee"),
            ("start", "start", "ts"),
            ("end", '"end"', "ts"),
            ("type", "type", "enum"),
            ("extent_percent", "extent_percent", "float"),
            ("hours", "hours", "float"),
            ("whole_days", "whole_days", "bool"),
        ],
    ),
    "ledger": (
        "records_ledgerentry",
        [
            ("month", "month", "enum"),
            ("cost_center", "cost_center", "text"),
            ("case_id", "case_id", "@case"),
            ("account", "account", "text"),
            ("amount", "amount", "float"),
            ("text", "text", "text"),
        ],
    ),
    "fk_reports": (
        "records_fkreport",
        [
            ("case_id", "case_id", "@case"),
            ("month", "month", "enum"),
            ("reported_hours", "reported_hours", "float"),
        ],
    ),
    "budget": (
        "records_budgetentry",
        [
            ("month", "month", "enum"),
            ("cost_center", "cost_center", "text"),
            ("case_id", "case_id", "@case"),
            ("category", "category", "enum"),
            ("amount", "amount", "float"),
        ],
    ),
}
_TIME_MODELS_TABLES = ("shifts", "worked", "absences", "ledger", "fk_reports", "budget")
_REFERENCED = {"@unit": "units", "@case": "cases", "@employee": "employees"}


def _select_sql(table: str) -> str:
    """The table's query on PostgreSQL: one column per entry of ``_QUERIES``, each of one
    type whatever the rows hold (``_raw_schema``). Built from the constants above only,
    never from input.

    Numbers are cast to a double in the database: ``numeric`` would come as text. A double
    is the value file mode reads from the same decimal text: the database's cast rounds as
    polars's parse does.
    """
    db_table, columns = _QUERIES[table]
    exprs = []
    for name, source, how in columns:
        if how == "float":
            source = f"{source}::float8"
        exprs.append(f"{source} AS {_quoted(name)}")
    where = " WHERE replaced_by_id IS NULL" if table in _TIME_MODELS_TABLES else ""
    return f"SELECT {', '.join(exprs)} FROM {db_table}{where}"  # noqa: S608


# Ids per piece of SQLite's columns (``_sqlite_columns_sql``): a piece's texts stay far
# below the 10⁹ bytes SQLite allows a value (at most about 30 bytes a row in a column),
# also for a national data set, and a municipality's big tables come in a few pieces,
# read by polars while SQLite writes the next (``_sqlite_read_each``).
_SQLITE_PIECE_IDS = 1 << 17


def _sqlite_columns_sql(table: str, not_null: frozenset[str], plain_text: bool = True) -> str:
    """The table's rows with ids in [?, ?): their number, then each column as one text that
    SQLite writes itself, its values one a line (``group_concat`` with a line break).

    Reading row by row makes a Python object of every value (sqlite3's ``fetchall`` of a
    municipality's shifts: 0.5 s of CPU, and as much again to make polars columns of
    them). A text per row (``printf`` of the row's values, sessions 9-10) allocates the
    row's text and grows it in steps, and Debian's SQLite (no lookaside memory, memory
    statistics on) takes its global memory lock for each, four or five a row; a text per
    column appends each value to one growing text and allocates nothing per row, as long
    as the values are written as they are (the separator a literal: a ``char(10)`` would
    be a new value per row): SQLite's part of a municipality's load about a third less
    (docs/operations.md, session 11).

    Keys, numbers, dates, instants, booleans (0/1) and the fixed choices of enums (checked
    on import) hold no line break; ``group_concat`` leaves out a NULL, so a column that may
    be NULL (the database's NOT NULL columns are ``not_null``: ``_sqlite_not_null``) is
    written with an empty line for it. A number is written as SQLite writes a double, with
    15 significant digits: every stored value has at most 14 (``max_digits``), so it reads
    back as the same double. Free text of a NOT NULL column is written as it is when
    ``plain_text``, and ``_sqlite_read_each`` writes the piece again without it when a
    value holds a line break; otherwise (and always where it may be NULL) as ``.`` and its
    UTF-8 in hexadecimal, or an empty line for NULL. Cast to BLOBs, the texts come to
    Python as bytes, not decoded into ``str`` and encoded again. Built from the constants
    above only."""
    db_table, columns = _QUERIES[table]
    texts = []
    for _, source, how in columns:
        if how == "text":
            plain = plain_text and source.strip('"') in not_null
            cell = source if plain else f"coalesce('.' || hex({source}), '')"
        else:
            cell = f"CAST({source} AS REAL)" if how == "float" else source
            if source.strip('"') not in not_null:
                cell = f"coalesce({cell}, '')"
        texts.append(f"CAST(group_concat({cell}, '\n') AS BLOB)")
    where = "id >= ? AND id < ?"
    if table in _TIME_MODELS_TABLES:
        where += " AND replaced_by_id IS NULL"
    return f"SELECT count(*), {', '.join(texts)} FROM {db_table} WHERE {where}"  # noqa: S608


def _sqlite_plain_whole(table: str, not_null: frozenset[str], piece: tuple[Any, ...]) -> bool:
    """Whether the free text written as it is (``_sqlite_columns_sql``) in ``piece`` has
    one line per row: no value holds a line break (or the piece has no rows)."""
    rows, *texts = piece
    return rows == 0 or all(
        text.count(b"\n") == rows - 1
        for text, (_, source, how) in zip(texts, _QUERIES[table][1], strict=True)
        if how == "text" and source.strip('"') in not_null
    )


def _sqlite_frame(
    table: str, piece: tuple[Any, ...], not_null: frozenset[str], plain_text: bool
) -> pl.DataFrame:
    """A piece of ``_sqlite_columns_sql`` as a frame in the types of ``_raw_schema``: each
    text split at its line breaks, free text decoded where it is in hexadecimal, and in
    other columns an empty value null."""
    rows, *texts = piece
    schema = _raw_schema(table, postgres=False)
    series = []
    for text, (name, source, how) in zip(texts, _QUERIES[table][1], strict=True):
        values = pl.Series(name, [text], pl.Binary).cast(pl.String).str.split("\n").explode()
        value = pl.col(name)
        if how == "text" and not (plain_text and source.strip('"') in not_null):
            value = pl.when(value != "").then(value.str.slice(1).str.decode("hex").cast(pl.String))
        elif how != "text":
            value = pl.when(value != "").then(value)
        series.append(values.to_frame().select(value.cast(schema[name])).to_series())
    frame = pl.DataFrame(series)
    if frame.height != rows:
        raise RuntimeError(f"{table}: {frame.height} rows read of SQLite's {rows}")
    return frame


def _sqlite_not_null(conn: Any, table: str) -> frozenset[str]:
    """The table's NOT NULL columns, as the database says (``_sqlite_columns_sql``)."""
    db_table = _QUERIES[table][0]
    rows = conn.execute(f"PRAGMA table_info({db_table})").fetchall()
    return frozenset(name for _, name, _, not_null, *_ in rows if not_null)


def _sqlite_read(conn: Any, table: str) -> pl.DataFrame:
    """The table from SQLite (``_sqlite_read_each``)."""
    out: dict[str, pl.DataFrame] = {}
    _sqlite_read_each(conn, [table], out.__setitem__)
    return out[table]


def _sqlite_starts(conn: Any, table: str) -> range:
    """The first ids of the table's pieces (none for an empty table).

    The least and the greatest id each in a query of its own: SQLite reads either from the
    end of the table's tree, but both in one query by a scan of a whole index (the shifts
    and the worked time of a municipality: 60 ms, in the thread the load waits for)."""
    db_table = _QUERIES[table][0]
    low, high = conn.execute(
        f"SELECT (SELECT min(id) FROM {db_table}), (SELECT max(id) FROM {db_table})"  # noqa: S608
    ).fetchone()
    if low is None:
        return range(0)
    return range(int(low), int(high) + 1, _SQLITE_PIECE_IDS)


# A piece as SQLite's thread hands it on (``_sqlite_read_each``): the table, the piece (or
# None after the table's last), its NOT NULL columns and whether its free text is plain.
_Piece = tuple[str, tuple[Any, ...] | None, frozenset[str], bool]


def _sqlite_read_each(
    conn: Any, tables: list[str], take: Callable[[str, pl.DataFrame], None]
) -> None:
    """Each table from SQLite (``_sqlite_columns_sql``), piece by piece of ids, in the
    types of ``_raw_schema``, handed to ``take`` in the order of ``tables`` as soon as it
    is read.

    SQLite writes the pieces in a thread of its own (Python's ``sqlite3`` lets other threads
    run while a query steps), while this one reads the piece before it (polars) and does
    what ``take`` does with the tables before it: on two cores, SQLite's writing (most of
    the load's CPU) is then what the load waits for, not the rest besides. The connection is
    SQLite's thread's until it ends. Only two pieces wait at a time (a piece's texts are let
    go once read: no copy of a whole table's text)."""
    ready: queue.Queue[_Piece | BaseException] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def write() -> None:
        try:
            for table in tables:
                not_null = _sqlite_not_null(conn, table)
                sql = _sqlite_columns_sql(table, not_null)
                for start in _sqlite_starts(conn, table):
                    if stop.is_set():
                        return
                    bounds = (start, start + _SQLITE_PIECE_IDS)
                    piece = conn.execute(sql, bounds).fetchone()
                    plain = _sqlite_plain_whole(table, not_null, piece)
                    if not plain:  # a text with a line break: all of the piece's coded
                        piece = conn.execute(_sqlite_columns_sql(table, not_null, False), bounds)
                        piece = piece.fetchone()
                    if piece[0]:
                        ready.put((table, piece, not_null, plain))
                ready.put((table, None, not_null, True))  # the table's last piece was put
        except BaseException as error:  # handed to the reading thread
            ready.put(error)

    writer = threading.Thread(target=write, name="sqlite-frames", daemon=True)
    writer.start()
    try:
        parts: list[pl.DataFrame] = []
        for _ in tables:
            while True:
                got = ready.get()
                if isinstance(got, BaseException):
                    raise got
                table, piece, not_null, plain = got
                if piece is None:
                    break
                parts.append(_sqlite_frame(table, piece, not_null, plain))
                del piece, got
            schema = _raw_schema(table, postgres=False)
            take(table, pl.concat(parts).rechunk() if parts else pl.DataFrame(schema=schema))
            parts = []
    finally:
        stop.set()
        while writer.is_alive():  # a piece it still puts is taken, so that it ends
            with suppress(queue.Empty):
                ready.get(timeout=0.01)
        writer.join()


def _quoted(name: str) -> str:
    return f'"{name}"'


def _raw_schema(table: str, postgres: bool) -> dict[str, pl.DataType]:
    """The types of the query's columns as polars holds them: PostgreSQL's own types;
    SQLite's storage classes (dates and instants as text, booleans as 0/1)."""
    kinds: dict[str, pl.DataType] = {
        "int": pl.Int64(),
        "float": pl.Float64(),
        "text": pl.String(),
        "enum": pl.String(),
        "date": pl.Date() if postgres else pl.String(),
        "ts": pl.Datetime("us", "UTC") if postgres else pl.String(),
        "bool": pl.Boolean() if postgres else pl.Int64(),
    }
    return {
        name: pl.Int64() if how.startswith("@") else kinds[how]
        for name, _, how in _QUERIES[table][1]
    }


class _Reader:
    """Where the queries run: a connection of its own (``_own_reader``: ADBC on PostgreSQL),
    or Django's connection (``_django_reader``, row by row: for uncommitted data and an
    in-memory database, which no other connection sees)."""

    def __init__(self, connection: Any, postgres: bool, others: list[Any] | None = None) -> None:
        self.connection = connection
        self.postgres = postgres
        self.others = others or []  # PostgreSQL: connections of the same snapshot besides

    def read_each(self, take: Callable[[str, pl.DataFrame], None]) -> None:
        """Every table of ``_QUERIES`` as ``read`` gives it, handed to ``take`` after the
        tables it refers to (SQLite: in that order, the next read while ``take`` works;
        PostgreSQL: on every connection, each as soon as it is read)."""
        if not self.postgres:
            _sqlite_read_each(self.connection, list(_QUERIES), take)
        elif self.others:
            _postgres_read_each([self, *(_Reader(c, True) for c in self.others)], take)
        else:
            for table in _QUERIES:
                take(table, self.read(table))

    def read(self, table: str) -> pl.DataFrame:
        """The table as the database gives it, in the types of ``_raw_schema``."""
        schema = _raw_schema(table, self.postgres)
        if not self.postgres:
            return _sqlite_read(self.connection, table)
        frame = pl.read_database(_select_sql(table), self.connection, schema_overrides=schema)
        # one chunk per column: PostgreSQL's driver hands its rows in several batches
        return frame.cast(schema).rechunk()  # type: ignore[arg-type]


# Connections that read PostgreSQL at once (``_postgres_read_each``), and the order they
# take the tables in: with two, the shifts on one and, on the other, the tables the rest
# refer to (milliseconds: the rest is then typed as soon as it is read), the worked time,
# the ledger and the small ones.
_POSTGRES_READERS = 2
_POSTGRES_ORDER = ("shifts", "units", "cases", "employees", "worked", "ledger")


def _references(table: str) -> set[str]:
    """The tables whose codes ``table`` refers to by key (``_typed`` maps them)."""
    return {_REFERENCED[how] for _, _, how in _QUERIES[table][1] if how.startswith("@")}


def _postgres_read_each(readers: list[_Reader], take: Callable[[str, pl.DataFrame], None]) -> None:
    """Every table of ``_QUERIES`` read by the first of ``readers`` free (each in a thread
    of its own: ADBC lets other threads run while it reads), in the order of
    ``_POSTGRES_ORDER``, each handed to ``take`` (in this thread, while the others read) as
    soon as it is read and the tables it refers to have been taken."""
    order = [t for t in _POSTGRES_ORDER if t in _QUERIES]
    todo = deque(order + [t for t in _QUERIES if t not in order])
    done: dict[str, pl.DataFrame] = {}
    failed: list[BaseException] = []
    changed = threading.Condition()

    def work(reader: _Reader) -> None:
        while True:
            with changed:
                if not todo or failed:
                    return
                table = todo.popleft()
            try:
                frame = reader.read(table)
            except BaseException as error:  # handed to the taking thread
                with changed:
                    failed.append(error)
                    changed.notify_all()
                return
            with changed:
                done[table] = frame
                changed.notify_all()

    threads = [threading.Thread(target=work, args=(r,), name="postgres-frames") for r in readers]
    for thread in threads:
        thread.start()
    try:
        taken: set[str] = set()
        while len(taken) < len(_QUERIES):
            with changed:
                while not failed and not (ready := [t for t in done if _references(t) <= taken]):
                    changed.wait()
                if failed:
                    raise failed[0]
                table = ready[0]
                frame = done.pop(table)
            take(table, frame)
            taken.add(table)
    finally:
        with changed:
            todo.clear()
        for thread in threads:
            thread.join()


def _own_possible() -> bool:
    """Whether a connection of its own sees what Django's connection sees: outside a
    transaction (whose uncommitted rows only its own connection sees: the tests run in one)
    and on a database another connection can open (not SQLite's in-memory test database)."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        return True
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and name != ":memory:" and "mode=memory" not in name


def _postgres_conninfo(settings_dict: dict[str, Any]) -> str:
    """libpq's connection string of Django's PostgreSQL settings: the database, user,
    password, host and port, and those ``OPTIONS`` that are libpq's (e.g. ``sslmode``)."""
    from psycopg.conninfo import make_conninfo
    from psycopg.pq import Conninfo

    libpq = {o.keyword.decode() for o in Conninfo.get_defaults()}
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
    }
    params.update({k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in libpq})
    return make_conninfo("", **{k: str(v) for k, v in params.items() if v not in (None, "")})


def _postgres_snapshot(conninfo: str, readers: int) -> list[Any]:
    """``readers`` ADBC connections to PostgreSQL, each in a read-only REPEATABLE READ
    transaction, all of one snapshot: the first's, exported to the others
    (``pg_export_snapshot``, ``SET TRANSACTION SNAPSHOT``), so that what one reads is of the
    same moment as what the others read, also while an import commits.

    The others are the first's clones (``adbc_clone``: one ADBC database, whose connect
    reads PostgreSQL's catalog of types once, 30-40 ms of CPU, not once per connection).
    Each query runs without parallel workers: right after an import the tables have no
    statistics, and the planner, expecting few rows in force, would hand every row of the
    biggest tables from two workers to the reading backend through shared memory (0.1 s
    more of the server's CPU for a municipality, on cores the other reader needs)."""
    import adbc_driver_postgresql.dbapi as driver

    conns: list[Any] = []
    try:
        snapshot = None
        for _ in range(readers):
            conn = conns[0].adbc_clone() if conns else driver.connect(conninfo)
            conns.append(conn)
            # The driver began a transaction (autocommit is off): its first statement sets
            # it to one snapshot for every query.
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                if snapshot is None:
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                else:
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
    except BaseException:
        for conn in conns:
            conn.close()
        raise
    return conns


@contextmanager
def _own_reader(settings_dict: dict[str, Any], postgres: bool) -> Iterator[_Reader]:
    """A reader on a connection of its own to Django's database (ADBC on PostgreSQL, two
    of one snapshot; Python's ``sqlite3`` on SQLite), in a read-only transaction: every
    table of one moment, also while an import commits."""
    if postgres:
        conns = _postgres_snapshot(_postgres_conninfo(settings_dict), _POSTGRES_READERS)
        try:
            yield _Reader(conns[0], postgres, conns[1:])
        finally:
            for conn in conns:
                conn.rollback()
                conn.close()
        return
    import sqlite3

    # used by SQLite's writing thread too, one thread at a time (``_sqlite_read_each``)
    conn = sqlite3.connect(
        str(settings_dict["NAME"]), isolation_level=None, check_same_thread=False
    )
    conn.execute("BEGIN")
    try:
        # The transaction begun reads one snapshot from its first query (WAL), writers
        # going on beside it.
        yield _Reader(conn, postgres)
    finally:
        conn.rollback()
        conn.close()


@contextmanager
def _django_reader() -> Iterator[_Reader]:
    raw = connection.connection
    assert raw is not None
    yield _Reader(raw, connection.vendor == "postgresql")


def _reader() -> AbstractContextManager[_Reader]:
    """A connection of its own where it sees Django's data (``_own_possible``), else
    Django's connection."""
    connection.ensure_connection()
    if _own_possible():
        return _own_reader(connection.settings_dict, connection.vendor == "postgresql")
    return _django_reader()


def _typed(
    table: str, raw: pl.DataFrame, codes: dict[str, pl.DataFrame], postgres: bool
) -> pl.DataFrame:
    """Raw database columns as the canonical frame (file mode's dtypes and values)."""
    from timbalans.ingest.schema import TABLES, TZ, frame_schema

    schema = frame_schema(table)
    optional_text = {c.name for c in TABLES[table].columns if c.kind == "text" and not c.required}
    exprs: list[pl.Expr] = []
    for name, _, how in _QUERIES[table][1]:
        col = pl.col(name)
        if how == "ts":
            if not postgres:  # SQLite keeps naive UTC text
                col = _sqlite_instant(raw.get_column(name))
            col = col.dt.convert_time_zone(TZ)
        elif how == "date" and not postgres:
            col = col.str.to_date("%Y-%m-%d")
        elif how == "bool" and not postgres:
            col = col != 0
        elif how.startswith("@"):
            col = pl.lit(_codes_at(raw.get_column(name), codes[_REFERENCED[how]]))
        elif name in optional_text:  # the database keeps an empty optional text as ""
            col = pl.when(col == "").then(None).otherwise(col)
        exprs.append(col.alias(name))
    out = raw.select(exprs)
    keep = [_ID] if _ID in out.columns else []
    return out.select(*keep, *[pl.col(n).cast(t) for n, t in schema.items()])


def _sqlite_instant(text: pl.Series) -> pl.Expr:
    """SQLite's naive UTC text as instants: whole seconds by the fast fixed format, and only
    when some value has a fraction of a second (not written by the import) the general one."""
    whole = text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    if whole.null_count() != text.null_count():
        whole = text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
    return pl.lit(whole.dt.replace_time_zone("UTC"))


def _codes_at(keys: pl.Series, ref: pl.DataFrame) -> pl.Series:
    """The codes of ``ref`` (``_code_key``) at ``keys``, null where no row has the key
    (or the key is null): looked up by position in a series of the codes at their keys, not
    joined (a join hashes every key: the shifts' cases in 6-7 ms against 2.5 ms)."""
    greatest = max(cast("int | None", ids.max()) or 0 for ids in (ref[_ID], keys))
    at_key = pl.Series(dtype=pl.String).extend_constant(None, greatest + 1)
    return at_key.scatter(ref[_ID], ref["code"]).gather(keys)


def _code_key(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    code = {"units": "unit_id", "cases": "case_id", "employees": "employee_id"}[table]
    return frame.select(_ID, pl.col(code).alias("code"))


def _read_all(reader: AbstractContextManager[_Reader] | None = None) -> dict[str, pl.DataFrame]:
    """Every canonical table in force, typed as in file mode, read by ``reader`` (by
    default ``_reader()``), in the order of ``_QUERIES``. Each is typed as soon as it is
    read and the tables it refers to are (``_Reader.read_each``)."""
    codes: dict[str, pl.DataFrame] = {}
    tables: dict[str, pl.DataFrame] = {}
    with reader or _reader() as r:

        def take(table: str, raw: pl.DataFrame) -> None:
            frame = _typed(table, raw, codes, r.postgres)
            if _ID in frame.columns:
                codes[table] = _code_key(frame, table)
                frame = frame.drop(_ID)
            tables[table] = frame

        r.read_each(take)
    return {table: tables[table] for table in _QUERIES}


def frames_prepare() -> None:
    """Import what this process's first load from the database would import itself: on
    PostgreSQL, ``pyarrow`` and ADBC's driver (0.35-0.45 s of CPU). A server process does it
    when it starts (``serve.worker_prepare``), so the first load of a data version does not
    pay it; a command that loads no frames does not. SQLite's reader needs nothing more."""
    if connection.vendor == "postgresql":  # the settings' backend: no connection is opened
        import adbc_driver_postgresql.dbapi  # noqa: F401
        import pyarrow  # noqa: F401


def frames_load(*, units: set[str] | None = None, cases: set[str] | None = None) -> Frames:
    """The canonical tables in force, as frames, limited to the given units and cases."""
    return Frames.from_dict(_read_all()).scoped(units=units, cases=cases)
