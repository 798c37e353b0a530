"""The canonical tables in force as polars frames for the figures (file mode's dtypes and
values), read from the database in one query per table."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

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


def _select_sql(table: str, postgres: bool) -> tuple[list[str], str]:
    """(the selected expressions, the FROM and WHERE clauses) of one table's query."""
    db_table, columns = _QUERIES[table]
    exprs = [
        # PostgreSQL: microseconds since 1970, no text to parse. ``date_part`` is a double
        # (``extract`` a numeric, a third slower to write for a municipality's shifts):
        # exact, since seconds × 10⁶ of the years the data can hold stay below 2⁵³ and the
        # double's error below half a microsecond, which the cast to bigint rounds away.
        f"(date_part('epoch', {source}) * 1000000)::bigint" if how == "ts" and postgres else source
        for _, source, how in columns
    ]
    where = " WHERE replaced_by_id IS NULL" if table in _TIME_MODELS_TABLES else ""
    return exprs, f"FROM {db_table}{where}"


# Rows per CSV piece PostgreSQL builds (see ``_fetch_csv``): a piece stays far below the
# 1 GB a text value may hold, also for a national data set.
_PG_CHUNK_ROWS = 1 << 18


def _fetch_csv(table: str) -> tuple[bytes, str]:
    """The table's rows as CSV built by the database itself, and its quote character.

    Reading row by row would make a Python object of every value (seconds for a
    municipality); instead the database joins its rows into a few long strings, each value
    written by the database's own text output. PostgreSQL: ``string_agg`` of ``concat`` per
    piece of ``_PG_CHUNK_ROWS`` rows (by id), free text in double quotes with a quote inside
    doubled (NULL: an empty unquoted field, which ``concat`` makes of it and polars reads as
    null, while a quoted empty text stays ""). Not ``COPY ... TO STDOUT``, which hands the
    client one message per row: for a municipality's shifts 357,000 passes through the
    driver, 0.5 s of Python holding the GIL against 0.05 s for a few long strings. SQLite:
    ``group_concat`` of one ``printf`` per row, each text written with ``quote()`` (in single
    quotes, a quote inside doubled; NULL as an empty unquoted field).
    """
    postgres = connection.vendor == "postgresql"
    exprs, source = _select_sql(table, postgres)
    # Only free text is quoted; codes are keys (integers), and dates, times, numbers and
    # the fixed choices of enums cannot hold a comma, a quote or a line break.
    hows = [how for _, _, how in _QUERIES[table][1]]
    aliased = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
    with connection.cursor() as cursor:
        if postgres:
            cells = ", ',', ".join(
                f"""'"' || replace(c{i}, '"', '""') || '"'""" if how == "text" else f"c{i}"
                for i, how in enumerate(hows)
            )
            # Built from the constants above only, never from input.
            cursor.execute(
                f"SELECT string_agg(concat({cells}), E'\\n') FROM"  # noqa: S608
                f" (SELECT id / {_PG_CHUNK_ROWS} AS piece, {aliased} {source}) AS t GROUP BY piece"
            )
            pieces = [text for (text,) in cursor.fetchall() if text]
            return "\n".join(pieces).encode("utf-8"), '"'
        # One printf per row (NULL as ''), not a chain of ``||`` that makes a string per
        # column: 40 % less time for the shifts.
        fmt = ",".join("%s" for _ in hows)
        cells = ", ".join(
            f"iif(c{i} IS NULL, '', quote(c{i}))" if how == "text" else f"c{i}"
            for i, how in enumerate(hows)
        )
        # Built from the constants above only, never from input.
        cursor.execute(
            f"SELECT group_concat(printf('{fmt}', {cells}), char(10))"  # noqa: S608
            f" FROM (SELECT {aliased} {source})"
        )
        text = cursor.fetchone()[0]
    return (text or "").encode("utf-8"), "'"


_CSV_DTYPES = {
    "enum": pl.String,
    "int": pl.Int64,
    "float": pl.Float64,
    "text": pl.String,
    "date": pl.String,
    "ts": pl.String,
    "bool": pl.String,
}


def _read_raw(table: str) -> pl.DataFrame:
    """The table as the database gives it: one column per entry of ``_QUERIES``."""
    postgres = connection.vendor == "postgresql"
    columns = _QUERIES[table][1]
    schema = {
        name: (pl.Int64 if how.startswith("@") or (how == "ts" and postgres) else _CSV_DTYPES[how])
        for name, _, how in columns
    }
    data, quote = _fetch_csv(table)
    if not data:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(data, has_header=False, schema=schema, quote_char=quote)


def _typed(table: str, raw: pl.DataFrame, codes: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Raw database columns as the canonical frame (file mode's dtypes and values)."""
    from timbalans.ingest.schema import TABLES, TZ, frame_schema

    postgres = connection.vendor == "postgresql"
    schema = frame_schema(table)
    optional_text = {c.name for c in TABLES[table].columns if c.kind == "text" and not c.required}
    exprs: list[pl.Expr] = []
    for name, _, how in _QUERIES[table][1]:
        col = pl.col(name)
        if how == "ts":
            if postgres:
                col = col.cast(pl.Datetime("us", "UTC"))
            else:  # SQLite keeps naive UTC text
                col = _sqlite_instant(raw.get_column(name))
            col = col.dt.convert_time_zone(TZ)
        elif how == "date":
            col = col.str.to_date("%Y-%m-%d")
        elif how == "bool":
            col = col.is_in(["1", "t"])
        elif how.startswith("@"):
            ref = codes[_REFERENCED[how]]
            col = col.replace_strict(ref[_ID], ref["code"], default=None, return_dtype=pl.String)
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


def _code_key(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    code = {"units": "unit_id", "cases": "case_id", "employees": "employee_id"}[table]
    return frame.select(_ID, pl.col(code).alias("code"))


# The tables big enough to be worth a connection of their own (see ``_read_raws``).
_PARALLEL_TABLES = ("shifts", "worked")


def _parallel_possible() -> bool:
    """Whether the big tables are read on connections of their own: on PostgreSQL, outside a
    transaction (tests wrap everything in one, which no other connection can see).

    Not on SQLite: two ``group_concat`` at once in one process took longer than one after
    the other (municipality: 2.7-3.0 s against 1.9-2.1 s), the two statements contending
    inside the library (its allocator is shared by every connection of the process).
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _read_raw_own_connection(table: str, snapshot: str) -> pl.DataFrame:
    """``_read_raw`` on this thread's own connection, closed afterwards, in the exported
    ``snapshot`` of the main connection's transaction."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            return _read_raw(table)
    finally:
        connections[DEFAULT_DB_ALIAS].close()


def _read_raws() -> dict[str, pl.DataFrame]:
    """Every table as the database gives it (``_read_raw``).

    Most of the time of a load is the database writing the CSV of the two big tables
    (shifts, worked), one core each. On PostgreSQL they are read at once, each in a thread
    on a connection of its own (psycopg releases the GIL while it waits), while this thread
    reads the small tables; elsewhere, and inside a transaction (``_parallel_possible``),
    one after the other on this connection.

    Consistency. The parallel read is of one snapshot: a REPEATABLE READ transaction on this
    connection exports it (``pg_export_snapshot``) and the threads' own transactions adopt
    it, so the tables are of one moment even while an import commits. The serial read (and
    SQLite) reads each table in one statement, a consistent snapshot of that table; a load
    that overlaps an import may mix tables from before and after it, which the figure
    cache's data-version check after the load catches (``_frames_at``).
    """
    if not _parallel_possible():
        return {table: _read_raw(table) for table in _QUERIES}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        # The snapshot lives as long as this transaction: until every thread has read.
        with ThreadPoolExecutor(max_workers=len(_PARALLEL_TABLES)) as pool:
            futures = {
                table: pool.submit(_read_raw_own_connection, table, snapshot)
                for table in _PARALLEL_TABLES
            }
            raws = {table: _read_raw(table) for table in _QUERIES if table not in futures}
            raws.update({table: future.result() for table, future in futures.items()})
    return {table: raws[table] for table in _QUERIES}


def _read_all() -> dict[str, pl.DataFrame]:
    """Every canonical table in force, typed as in file mode."""
    codes: dict[str, pl.DataFrame] = {}
    tables: dict[str, pl.DataFrame] = {}
    raws = _read_raws()
    for table in _QUERIES:
        frame = _typed(table, raws.pop(table), codes)
        if _ID in frame.columns:
            codes[table] = _code_key(frame, table)
            frame = frame.drop(_ID)
        tables[table] = frame
    return tables


def frames_load(*, units: set[str] | None = None, cases: set[str] | None = None) -> Frames:
    """The canonical tables in force, as frames, limited to the given units and cases."""
    return Frames.from_dict(_read_all()).scoped(units=units, cases=cases)
