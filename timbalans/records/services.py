"""Writes to the canonical tables: applying and undoing import batches.

Guarantees:

* ``import_batch_apply`` writes a validated data set in one transaction: all or nothing.
  Reference tables are upserted by key (each created or changed row is remembered); for each
  time table, the active rows of the months the file has rows in, for the units in it, are
  marked replaced by the new batch before its rows are added. Importing the same set twice
  gives the same active state.
* ``import_batch_undo`` undoes the newest applied batch exactly: its rows go, the rows it
  replaced are active again and every reference row it created or changed is as before.
"""

from __future__ import annotations

import getpass
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from timbalans.ingest import messages as msg
from timbalans.ingest.profiles import Profile
from timbalans.ingest.read import ReadLimits, read_dataset
from timbalans.ingest.schema import TABLE_ORDER
from timbalans.ingest.validate import Dataset, local_months, validate
from timbalans.records import models as m
from timbalans.records.selectors import known_references

Progress = Callable[[str, int], None]  # (step, rows done in this step)

REFERENCE_MODELS: dict[str, type[models.Model]] = {
    "units": m.Unit,
    "cases": m.Case,
    "decisions": m.Decision,
    "employees": m.Employee,
    "employments": m.Employment,
    "accounts": m.Account,
}
TIME_MODELS: dict[str, type[models.Model]] = {
    "shifts": m.Shift,
    "worked": m.Worked,
    "absences": m.Absence,
    "ledger": m.LedgerEntry,
    "fk_reports": m.FkReport,
    "budget": m.BudgetEntry,
}
# Time rows per chunk: made, inserted and reported to ``progress`` together. AHEAD_TABLES
# is how many tables' rows the thread makes ahead of the insert at most (_TimeRowsAhead):
# a table's rows are a polars frame (and on PostgreSQL its CSV), some 40 MB for the shifts
# of a municipality.
CHUNK = 25_000
AHEAD_TABLES = 1
# A time table's secondary indexes are dropped and built again around a write of at least
# REBUILD_MIN_ROWS rows into a table that holds at most REBUILD_MAX_STORED times as many:
# a first load. Measured (docs/design.md, "Writing"): it takes about a fifth off the
# database's work of a first import, but only 2-13 % off the re-import of a full year, which
# is not worth locking the table for.
REBUILD_MIN_ROWS = 20_000
REBUILD_MAX_STORED = 0.5
# SQLite: the page cache (KiB) of the connection while an import writes, instead of its
# 2 MB default. With 2 MB, a municipality's first import spilled changed pages into the WAL
# and read them back again and again: 224,000 writes and 146,000 reads of a page, against
# 143,000 and 31,000 with a cache that holds the whole write (docs/operations.md, "Import
# performance", session 12). SQLite takes the memory as pages are used, so a small import
# takes little; the default is back when the import ends.
IMPORT_CACHE_KIB = 256 * 1024
# SQLite: bound values per multi-row INSERT (the time rows, new reference rows and their
# change records), as many rows as fit: 999 is the lowest limit of SQLite's builds
# (SQLITE_MAX_VARIABLE_NUMBER before 3.32). One statement of 100-odd rows instead of one
# per row: executemany's per-statement work (reset, step, row count) is paid once per
# statement, which took SQLite's inserts of the municipality set from 2.6 to 1.7 s of CPU
# (docs/operations.md, "Import performance", session 10).
VALUES_PER_INSERT = 999
SORT_KEYS: dict[str, list[str]] = {
    "shifts": ["month", "case_id", "start"],
    "worked": ["month", "case_id", "start"],
    "absences": ["month", "employee_id", "start"],
    "ledger": ["month", "cost_center", "case_id"],
    "fk_reports": ["month", "case_id"],
    "budget": ["month", "cost_center", "case_id"],
}


class ImportRejected(Exception):
    """The data set has problems; nothing was written."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(msg.REJECTED.format(count=len(dataset.problems)))
        self.dataset = dataset


class UndoRefused(Exception):
    pass


def import_read_limits() -> ReadLimits:
    """The bounds of one import, from the settings (docs/operations.md)."""
    return ReadLimits(
        max_files=settings.TIMBALANS_IMPORT_MAX_FILES,
        max_file_bytes=settings.TIMBALANS_IMPORT_MAX_FILE_BYTES,
        max_bytes=settings.TIMBALANS_IMPORT_MAX_BYTES,
        max_ratio=settings.TIMBALANS_IMPORT_MAX_RATIO,
        max_rows=settings.TIMBALANS_IMPORT_MAX_ROWS,
    )


def import_dataset_validate(*, source: Any, profiles: Sequence[Profile] = ()) -> Dataset:
    """Read a folder, .zip or file within the import's bounds and validate it against what
    is stored; ``profiles`` (mapping profiles given explicitly) read the files they match, or
    the single file."""
    return validate(
        read_dataset(source, import_read_limits(), profiles=profiles), known_references()
    )


def user_label(user: Any = None) -> str:
    if user is not None and getattr(user, "is_authenticated", False):
        return str(user.get_username())
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd"


# The key of the PostgreSQL advisory lock held by every change of the data (data_writes_one).
DATA_WRITE_LOCK = 0x54494D42  # "TIMB"


def data_writes_one() -> None:
    """Wait until no other import, undo or booking is under way; call first in the
    transaction, which holds the turn until it ends.

    Each of them reads what the latest batches left and writes on it: an undo that ran while
    an import was uncommitted removed units the import was about to use. On PostgreSQL writes
    to other rows do not wait for each other, so a transaction-scoped advisory lock takes
    turns; SQLite's immediate transactions already take the database's one write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DATA_WRITE_LOCK])


def import_batch_apply(
    *,
    dataset: Dataset,
    source: str,
    user: Any = None,
    progress: Progress | None = None,
) -> m.ImportBatch:
    """Write a validated data set as a new batch. Raises ``ImportRejected`` on problems."""
    if not dataset.ok:
        raise ImportRejected(dataset)
    with _sqlite_page_cache(IMPORT_CACHE_KIB), transaction.atomic():
        data_writes_one()
        batch = m.ImportBatch.objects.create(
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_by_name=user_label(user),
            source=source,
            files=[
                {
                    "name": f.name,
                    "table": f.table,
                    "format": f.format,
                    "sha256": f.sha256,
                    "rows": f.rows,
                }
                for f in dataset.files.values()
            ],
            profiles=_profiles_used(dataset),
        )
        rows: dict[str, int] = {}
        changed: dict[str, int] = {}
        replaced: dict[str, int] = {}
        times = {
            table: dataset.frames[table].drop("_row")
            for table in TABLE_ORDER
            if table in TIME_MODELS and table in dataset.frames
        }
        # the time rows are made in a thread of their own from here on (_TimeRowsAhead)
        with _TimeRowsAhead(times, batch_id=int(batch.pk)) as ahead:
            for table in TABLE_ORDER:
                if table in REFERENCE_MODELS and table in dataset.frames:
                    frame = dataset.frames[table].drop("_row")
                    changed[table] = _upsert(batch, table, frame)
                    rows[table] = frame.height
                    if progress:
                        progress(table, frame.height)
            ahead.keys_give(_time_row_keys(times))
            for table, frame in times.items():
                with _secondary_indexes_off(TIME_MODELS[table], rows=frame.height):
                    replaced[table] = _replace_scope(batch, table, frame)
                    _insert_time_rows(batch, table, ahead.chunks(table), progress)
                rows[table] = frame.height
                if progress:
                    progress(table, frame.height)
        batch.rows = rows
        batch.changed = changed
        batch.replaced = replaced
        batch.save(update_fields=["rows", "changed", "replaced"])
    return batch


@contextmanager
def _sqlite_page_cache(kib: int) -> Iterator[None]:
    """On SQLite, the connection's page cache is ``kib`` KiB inside the block (before its
    transaction begins, until after it ends) and as it was after it; elsewhere nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _profiles_used(dataset: Dataset) -> list[dict[str, Any]]:
    """The mapping profiles the files were read with, each with the files it read; a profile
    whose text is a version saved in the web app is recorded as that version."""
    used: dict[str, dict[str, Any]] = {}
    for f in dataset.files.values():
        p = f.profile
        if p is None:
            continue
        record = used.setdefault(
            p.sha256,
            {"name": p.name, "version": p.version, "sha256": p.sha256, "source": p.source},
        )
        record.setdefault("files", []).append(f.name)
    for record in used.values():
        if record["version"] is None:
            saved = (
                m.MappingProfileVersion.objects.filter(sha256=record["sha256"])
                .order_by("-pk")
                .first()
            )
            record["version"] = saved.number if saved else None
    return list(used.values())


# ---------------------------------------------------------------- reference tables


def _pk_map(model: type[models.Model], key: str, values: Iterable[str]) -> dict[str, int]:
    wanted = list(set(values))
    result: dict[str, int] = {}
    for i in range(0, len(wanted), 5000):
        result.update(
            model._default_manager.filter(**{f"{key}__in": wanted[i : i + 5000]}).values_list(
                key, "pk"
            )
        )
    return result


def _dec(value: float | None, places: int = 2) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(value, places))).quantize(Decimal(10) ** -places)


def _field_values(
    table: str, rec: dict[str, Any], fks: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """Model field values (attname -> value) for one parsed row."""
    if table == "units":
        return {
            "unit_id": rec["unit_id"],
            "name": rec["name"],
            "cost_center": rec["cost_center"],
            "department": rec["department"] or "",
        }
    if table == "cases":
        return {
            "case_id": rec["case_id"],
            "unit_id": fks["units"][rec["unit_id"]],
            "service": rec["service"],
            "start_date": rec["start_date"],
            "end_date": rec["end_date"],
            "label": rec["label"] or "",
        }
    if table == "decisions":
        return {
            "case_id": fks["cases"][rec["case_id"]],
            "payer": rec["payer"],
            "hours_per_week": _dec(rec["hours_per_week"]),
            "double_hours_per_week": _dec(rec["double_hours_per_week"]),
            "valid_from": rec["valid_from"],
            "valid_to": rec["valid_to"],
            "period_start": rec["period_start"],
            "period_months": rec["period_months"],
            "hourly_rate": _dec(rec["hourly_rate"]),
        }
    if table == "employees":
        return {
            "employee_id": rec["employee_id"],
            "name": rec["name"] or "",
            "unit_id": fks["units"][rec["unit_id"]],
        }
    if table == "employments":
        return {
            "employee_id": fks["employees"][rec["employee_id"]],
            "form": rec["form"],
            "employment_rate": _dec(rec["employment_rate"]),
            "full_time_hours_per_week": _dec(rec["full_time_hours_per_week"]),
            "monthly_salary": _dec(rec["monthly_salary"]),
            "hourly_wage": _dec(rec["hourly_wage"]),
            "valid_from": rec["valid_from"],
            "valid_to": rec["valid_to"],
            "status": rec["status"],
        }
    if table == "accounts":
        return {
            "account": rec["account"],
            "category": rec["category"],
            "structural": bool(rec["structural"]),
        }
    raise KeyError(table)


KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id",),
    "cases": ("case_id",),
    "decisions": ("case_id", "valid_from"),
    "employees": ("employee_id",),
    "employments": ("employee_id", "valid_from"),
    "accounts": ("account",),
}


def _snapshot(obj: models.Model) -> dict[str, Any]:
    """JSON-able field values of a row, for undo."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[f.attname] = value
    return out


def _restore_value(model: type[models.Model], attname: str, value: Any) -> Any:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    if value is None:
        return None
    return field.to_python(value)


def _upsert(batch: m.ImportBatch, table: str, frame: pl.DataFrame) -> int:
    model = REFERENCE_MODELS[table]
    fks: dict[str, dict[str, int]] = {}
    if table in ("cases", "employees"):
        fks["units"] = _pk_map(m.Unit, "unit_id", frame.get_column("unit_id").to_list())
    if table == "decisions":
        fks["cases"] = _pk_map(m.Case, "case_id", frame.get_column("case_id").to_list())
    if table == "employments":
        fks["employees"] = _pk_map(
            m.Employee, "employee_id", frame.get_column("employee_id").to_list()
        )
    key = KEY_FIELDS[table]
    incoming = [_field_values(table, rec, fks) for rec in frame.iter_rows(named=True)]
    key_attnames = key  # the row values use attnames, so a foreign key compares by pk
    existing: dict[tuple[Any, ...], models.Model] = {}
    first = key_attnames[0]
    values = list({v[first] for v in incoming})
    for i in range(0, len(values), 5000):
        for obj in model._default_manager.filter(**{f"{first}__in": values[i : i + 5000]}):
            existing[tuple(getattr(obj, a) for a in key_attnames)] = obj
    to_create: list[dict[str, Any]] = []
    to_update: list[models.Model] = []
    changes: list[dict[str, Any]] = []
    update_fields: set[str] = set()
    for vals in incoming:
        k = tuple(vals[a] for a in key_attnames)
        found = existing.get(k)
        if found is None:
            to_create.append(vals)
            continue
        before = _snapshot(found)
        diff = {a: v for a, v in vals.items() if getattr(found, a) != v}
        if not diff:
            continue
        changes.append({"batch_id": batch.pk, "table": table, "row_id": found.pk, "before": before})
        for a, v in diff.items():
            setattr(found, a, v)
            update_fields.add(a)
        to_update.append(found)
    created_ids = _create_rows(model, to_create)
    changes.extend(
        {"batch_id": batch.pk, "table": table, "row_id": pk, "before": None} for pk in created_ids
    )
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(update_fields), batch_size=2000)
    _create_rows(m.RecordChange, changes)
    return len(changes)


def _create_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows (attname -> value, the same fields in each, the key left to the database)
    and return their new keys in the order of the rows.

    PostgreSQL: ``bulk_create`` (its insert of arrays through UNNEST is already cheap).
    SQLite: what ``bulk_create`` does, without a model instance and the insert compiler's
    work per row (a first municipality import's 9,000 reference rows and as many changes:
    0.6 s of CPU through the ORM, 0.3 s so): multi-row INSERT ... RETURNING (SQLite ≥ 3.35),
    each value through its field's ``get_db_prep_save`` as the ORM's. RETURNING may emit
    the rows in any order (SQLite's documentation), but an INSERT gives its rows ascending
    keys in the order of its VALUES (AUTOINCREMENT, under the transaction's write lock):
    each statement's keys, sorted, are in the order of its rows.
    """
    if not rows:
        return []
    if connection.vendor != "sqlite":
        created = model._default_manager.bulk_create([model(**r) for r in rows], batch_size=2000)
        return [int(o.pk) for o in created]
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup a value
    fields_by_attname = {f.attname: f for f in model._meta.concrete_fields}
    attnames = list(rows[0])
    fields = [fields_by_attname[a] for a in attnames]
    qn = db.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    insert = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {qn(model._meta.pk.column)}"
    per_insert = max(1, VALUES_PER_INSERT // len(fields))
    ids: list[int] = []
    with db.cursor() as cursor:
        for i in range(0, len(rows), per_insert):
            part = rows[i : i + per_insert]
            params = [
                f.get_db_prep_save(r[a], db)
                for r in part
                for a, f in zip(attnames, fields, strict=True)
            ]
            cursor.execute(insert + ", ".join([row] * len(part)) + returning, params)
            ids.extend(sorted(int(pk) for (pk,) in cursor.fetchall()))
    return ids


# ---------------------------------------------------------------- time tables


def _with_month(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its ``month``: the file's, or the local month of the start."""
    if table in ("ledger", "fk_reports", "budget"):
        return frame
    return frame.with_columns(pl.col("start").dt.strftime("%Y-%m").alias("month"))


def _replace_scope(batch: m.ImportBatch, table: str, frame: pl.DataFrame) -> int:
    """Mark the active rows that this file covers (its months × its units) as replaced."""
    model = TIME_MODELS[table]
    if table in ("ledger", "fk_reports", "budget"):
        months = sorted(frame.get_column("month").unique().to_list())
    else:
        months = sorted(local_months(frame))
    if not months:
        return 0
    active = model._default_manager.filter(replaced_by__isnull=True, month__in=months)
    # `case_id IN (SELECT ...)` rather than a join, so that the database runs one plain
    # UPDATE ... WHERE instead of UPDATE ... WHERE id IN (a join of the table with itself).
    if table in ("shifts", "worked", "fk_reports"):
        cases = frame.get_column("case_id").unique().to_list()
        units = _unit_pks(m.Case, "case_id", cases)
        scoped = active.filter(case_id__in=m.Case.objects.filter(unit_id__in=units).values("pk"))
    elif table == "absences":
        employees = frame.get_column("employee_id").unique().to_list()
        units = _unit_pks(m.Employee, "employee_id", employees)
        scoped = active.filter(
            employee_id__in=m.Employee.objects.filter(unit_id__in=units).values("pk")
        )
    else:  # ledger and budget: by cost center
        centers = frame.get_column("cost_center").unique().to_list()
        scoped = active.filter(cost_center__in=centers)
    return scoped.update(replaced_by=batch)


def _unit_pks(model: type[models.Model], key: str, values: list[str]) -> list[int]:
    """The units (pks) of the cases or employees with these codes."""
    units: set[int] = set()
    for i in range(0, len(values), 5000):
        units.update(
            model._default_manager.filter(**{f"{key}__in": values[i : i + 5000]})
            .values_list("unit_id", flat=True)
            .distinct()
        )
    return sorted(units)


def _utc_text(col: str, postgres: bool) -> pl.Expr:
    fmt = "%Y-%m-%d %H:%M:%S+00:00" if postgres else "%Y-%m-%d %H:%M:%S"
    return pl.col(col).dt.convert_time_zone("UTC").dt.strftime(fmt)


def _time_row_keys(frames: dict[str, pl.DataFrame]) -> dict[str, dict[str, int]]:
    """The keys (pks) of the cases and employees the time tables name, by code."""
    codes: dict[str, set[str]] = {"case_id": set(), "employee_id": set()}
    for frame in frames.values():
        for column, wanted in codes.items():
            if column in frame.columns:
                wanted.update(frame.get_column(column).drop_nulls().unique().to_list())
    return {
        "case_id": _pk_map(m.Case, "case_id", codes["case_id"]),
        "employee_id": _pk_map(m.Employee, "employee_id", codes["employee_id"]),
    }


def _time_rows_text(table: str, frame: pl.DataFrame, postgres: bool) -> pl.DataFrame:
    """A time table with its month and its times as the database's text (UTC): what the
    insert's rows need that depends on no key."""
    frame = _with_month(table, frame)
    if table in ("shifts", "worked", "absences"):
        frame = frame.with_columns(_utc_text("start", postgres), _utc_text("end", postgres))
    return frame


def _time_rows(
    table: str, frame: pl.DataFrame, batch_id: int, keys: dict[str, dict[str, int]]
) -> tuple[list[str], pl.DataFrame]:
    """(db columns, frame in that order) for the insert of one time table, from
    ``_time_rows_text``; ``keys`` are ``_time_row_keys``."""
    frame = frame.with_columns(pl.lit(batch_id).alias("batch_id"))
    if "case_id" in frame.columns:
        frame = frame.with_columns(
            pl.col("case_id")
            .replace_strict(keys["case_id"], default=None, return_dtype=pl.Int64)
            .alias("case_pk")
        )
    if "employee_id" in frame.columns:
        frame = frame.with_columns(
            pl.col("employee_id")
            .replace_strict(keys["employee_id"], default=None, return_dtype=pl.Int64)
            .alias("employee_pk")
        )
    cols: dict[str, pl.Expr]
    if table == "shifts":
        cols = {
            "shift_id": pl.col("shift_id").fill_null(""),
            "case_id": pl.col("case_pk"),
            "employee_id": pl.col("employee_pk"),
            "start": pl.col("start"),
            "end": pl.col("end"),
            "break_minutes": pl.col("break_minutes"),
            "kind": pl.col("kind"),
        }
    elif table == "worked":
        cols = {
            "case_id": pl.col("case_pk"),
            "employee_id": pl.col("employee_pk"),
            "start": pl.col("start"),
            "end": pl.col("end"),
            "break_minutes": pl.col("break_minutes"),
            "time_type": pl.col("time_type"),
        }
    elif table == "absences":
        cols = {
            "employee_id": pl.col("employee_pk"),
            "start": pl.col("start"),
            "end": pl.col("end"),
            "whole_days": pl.col("whole_days"),
            "type": pl.col("type"),
            "extent_percent": pl.col("extent_percent").round(2),
            "hours": pl.col("hours").round(2),
        }
    elif table == "ledger":
        cols = {
            "cost_center": pl.col("cost_center"),
            "case_id": pl.col("case_pk"),
            "account": pl.col("account"),
            "amount": pl.col("amount").round(2),
            "text": pl.col("text").fill_null(""),
        }
    elif table == "budget":
        cols = {
            "cost_center": pl.col("cost_center"),
            "case_id": pl.col("case_pk"),
            "category": pl.col("category"),
            "amount": pl.col("amount").round(2),
        }
    else:
        cols = {"case_id": pl.col("case_pk"), "reported_hours": pl.col("reported_hours").round(2)}
    # ``replaced_by_id`` is left to the column's NULL: a column less to send and parse.
    out = frame.select(
        pl.col("batch_id"),
        pl.col("month"),
        *[e.alias(n) for n, e in cols.items()],
    )
    # Rows in the order of the month index, and within a month of the case (or employee)
    # index: each index then grows at a few places instead of at random ones (on rows in no
    # particular order: SQLite's insert took less than half the time, PostgreSQL's a fifth
    # less), and a case's rows of a month end up next to each other on disk.
    return out.columns, out.sort(SORT_KEYS[table], nulls_last=True, maintain_order=True)


@dataclass(frozen=True)
class _Chunk:
    """Up to CHUNK rows of a time table, ready for the database's insert: on SQLite the
    bound values of each full INSERT (``statements``) and of the one for the rows left over
    (``rest``), on PostgreSQL the rows as CSV for COPY (``csv``)."""

    table: str
    columns: list[str]  # the database columns, batch_id first
    rows: int
    statements: list[tuple[Any, ...]] = field(default_factory=list)
    rest: tuple[Any, ...] = ()
    csv: str = ""


class _TimeRowsAhead:
    """Makes the time tables' rows for the insert in a thread of their own, table after
    table: the times as text (``_time_rows_text``) while the reference tables are written,
    then, given the keys of cases and employees (``keys_give``), each table's rows in order
    (``_time_rows``) while the database stores the table before.

    The thread does polars work only, which lets the GIL go while it works: on PostgreSQL
    it also makes each chunk's CSV. SQLite's chunks are Python values, made from the frame
    by the caller's thread as the insert asks for them (``_chunk_make``): made in the
    thread, a chunk at a time, they held the GIL against the insert's own binding, which
    waited for them (docs/operations.md, "Import performance", session 12). The thread
    reads nothing from the database (the keys are given) and writes nothing: the import's
    one transaction is the caller's. At most AHEAD_TABLES tables wait. An error in the
    thread is raised in the caller by ``chunks``, so the import fails and rolls back as if
    the caller had raised it; leaving the block (normally or by an error) stops the thread
    and waits for it.
    """

    def __init__(self, frames: dict[str, pl.DataFrame], *, batch_id: int) -> None:
        self._frames = frames
        self._batch_id = batch_id
        self._postgres = connection.vendor == "postgresql"
        self._keys: dict[str, dict[str, int]] = {}
        self._keys_given = threading.Event()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=AHEAD_TABLES)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._make, name="import-rows", daemon=True)

    def __enter__(self) -> _TimeRowsAhead:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def keys_give(self, keys: dict[str, dict[str, int]]) -> None:
        """The keys of the cases and employees (``_time_row_keys``), once they are written."""
        self._keys = keys
        self._keys_given.set()

    def chunks(self, table: str) -> Iterable[_Chunk]:
        """The chunks of ``table``, the next table of ``frames``, once its rows are made:
        on PostgreSQL made in the thread, on SQLite made as they are asked for."""
        item = self._queue.get()
        if isinstance(item, BaseException):
            raise item
        made, chunks = item
        assert made == table, (made, table)
        return chunks

    def _make(self) -> None:
        try:
            for table, frame in self._frames.items():
                text = _time_rows_text(table, frame, self._postgres)
                while not self._keys_given.wait(timeout=0.05):
                    if self._stop.is_set():
                        return
                columns, out = _time_rows(table, text, self._batch_id, self._keys)
                chunks = _chunks(table, columns, out, self._postgres)
                if not self._put((table, list(chunks) if self._postgres else chunks)):
                    return
        except BaseException as e:  # raised again in the caller's thread by rows()
            self._put(e)

    def _put(self, item: Any) -> bool:
        """Queue an item; False once the caller has left (nothing more is wanted)."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False


def _chunks(
    table: str, columns: list[str], frame: pl.DataFrame, postgres: bool
) -> Iterator[_Chunk]:
    """The chunks of a table's rows (``_time_rows``), each made when it is asked for."""
    for offset in range(0, frame.height, CHUNK):
        yield _chunk_make(table, columns, frame.slice(offset, CHUNK), postgres)


def _chunk_make(table: str, columns: list[str], frame: pl.DataFrame, postgres: bool) -> _Chunk:
    """The chunk of these rows (``frame``, its columns ``columns``, batch_id first).

    PostgreSQL: CSV straight from polars (an unquoted empty field is NULL, a quoted one an
    empty string). SQLite: the values but the batch's (the same in every row, written into
    the statement), row after row, as many rows to an INSERT as VALUES_PER_INSERT bound
    values allow. Each statement's values are a tuple: Python's garbage collector walks a
    tuple of strings and numbers once and then no more (lists, walked at every collection
    until they were inserted, took it 1.3 s).
    """
    if postgres:
        return _Chunk(table, columns, frame.height, csv=frame.write_csv(include_header=False))
    assert columns[0] == "batch_id"
    width = len(columns) - 1
    step = max(1, VALUES_PER_INSERT // width) * width
    # each column's list every width-th place: a third of the CPU of zipping the lists,
    # which took a third less than polars's rows
    values: list[Any] = [None] * (frame.height * width)
    for i, column in enumerate(frame.get_columns()[1:]):
        values[i::width] = column.to_list()
    full = len(values) // step * step
    statements = [tuple(values[i : i + step]) for i in range(0, full, step)]
    return _Chunk(table, columns, frame.height, statements=statements, rest=tuple(values[full:]))


def _insert_time_rows(
    batch: m.ImportBatch, table: str, chunks: Iterable[_Chunk], progress: Progress | None
) -> None:
    db_table = TIME_MODELS[table]._meta.db_table
    for chunk in chunks:
        _bulk_insert(db_table, chunk, batch_id=int(batch.pk))
        if progress:
            progress(table + ":rows", chunk.rows)


def _bulk_insert(db_table: str, chunk: _Chunk, *, batch_id: int) -> None:
    """The fastest plain insert each database offers, inside the current transaction.

    PostgreSQL: COPY of the chunk's CSV. SQLite: ``executemany`` of one INSERT with many
    rows in its VALUES, each row's values bound as parameters (``_chunk_make``), and one
    INSERT for the rows left over.
    """
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    table = connection.ops.quote_name(db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in chunk.columns)
    if connection.vendor == "postgresql":
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(chunk.csv)
        return
    width = len(chunk.columns) - 1
    row = "(" + ", ".join([str(int(batch_id))] + ["?"] * width) + ")"
    insert = f"INSERT INTO {table} ({quoted}) VALUES "  # noqa: S608
    cur = raw.cursor()
    try:
        if chunk.statements:
            per_insert = len(chunk.statements[0]) // width
            cur.executemany(insert + ", ".join([row] * per_insert), chunk.statements)
        if chunk.rest:
            cur.execute(insert + ", ".join([row] * (len(chunk.rest) // width)), chunk.rest)
    finally:
        cur.close()


# ---------------------------------------------------------------- bulk index rebuild


@contextmanager
def _secondary_indexes_off(model: type[models.Model], *, rows: int) -> Iterator[None]:
    """Inside a transaction: drop the table's secondary indexes for a large write, then
    build them again from their own definitions, so the result is the same schema. On
    PostgreSQL its foreign keys too: added again, each is checked by one join of the table
    with the table it refers to.

    Keeping an index up to date costs a random insert per written row; building it costs a
    sort of the whole table. The build wins when the table is small next to the write: a
    first load. A foreign key checks each written row by a lookup at commit (PostgreSQL:
    10 of the 16 s of the server's work of a municipality's first import), where adding
    it checks them all at once. On PostgreSQL the dropped index locks the table until
    commit, and a dropped key the table it refers to too (cases, employees), so a page
    reading them waits for the import instead of showing the (nearly empty) state before
    it; every other import keeps indexes, keys and that behaviour. Primary keys and unique
    indexes are never touched.
    """
    if rows < REBUILD_MIN_ROWS:
        yield
        return
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    limit = int(REBUILD_MAX_STORED * rows) + 1
    with connection.cursor() as cursor:
        # counts no further than needed: a filled table answers after `limit` rows
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {quoted} "  # noqa: S608
            "LIMIT %s) AS t",
            [limit],
        )
        stored = int(cursor.fetchone()[0])
        if stored >= limit:
            yield
            return
        indexes = _secondary_indexes(cursor, table)
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        foreign_keys = _foreign_keys(cursor, table)
        if foreign_keys:  # not with checks queued (see below)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _ in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
    # If the write fails, indexes and keys come back with the rollback of the transaction.
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL builds no index and adds no key on a table with foreign-key checks
            # still queued (the tables a key refers to have them too): run the checks now (a
            # failing one aborts the import as it would at commit), then defer again as
            # Django's constraints are. More sort memory for the builds, for this
            # transaction only.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            # a row without its referenced row fails here, as it would at commit
            cursor.execute(
                f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                f"{definition}"
            )


def _foreign_keys(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a table's foreign keys on PostgreSQL; none on SQLite, where
    they are part of the table (and cannot be switched off inside a transaction)."""
    if connection.vendor != "postgresql":
        return []
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [connection.ops.quote_name(table)],
    )
    return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of a table that back no constraint."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
            "ORDER BY c.relname",
            [connection.ops.quote_name(table)],
        )
    else:
        # SQLite keeps the statement that created each index; NULL for a constraint's own
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
            [table],
        )
    return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


# ---------------------------------------------------------------- undo


def import_batch_undo(*, number: int, user: Any = None) -> m.ImportBatch:
    """Undo the newest applied batch exactly; refuse any other."""
    with transaction.atomic():
        data_writes_one()
        batch = m.ImportBatch.objects.select_for_update().filter(pk=number).first()
        if batch is None:
            raise UndoRefused(msg.UNDO_MISSING.format(number=number))
        if batch.status == m.ImportBatch.Status.UNDONE:
            raise UndoRefused(msg.UNDO_ALREADY.format(number=number))
        later = (
            m.ImportBatch.objects.filter(status=m.ImportBatch.Status.APPLIED, pk__gt=batch.pk)
            .order_by("-pk")
            .first()
        )
        if later is not None:
            raise UndoRefused(msg.UNDO_NOT_LATEST.format(number=number, later=later.pk))
        for model in TIME_MODELS.values():
            # two set-based statements per table
            qs = model._default_manager.filter(batch=batch)
            qs._raw_delete(qs.db)
            model._default_manager.filter(replaced_by=batch).update(replaced_by=None)
        for table in reversed(TABLE_ORDER):
            if table not in REFERENCE_MODELS:
                continue
            ref_model = REFERENCE_MODELS[table]
            changes = list(batch.changes.filter(table=table))
            created = [c.row_id for c in changes if c.before is None]
            for i in range(0, len(created), 5000):
                ref_model._default_manager.filter(pk__in=created[i : i + 5000]).delete()
            restored: list[models.Model] = []
            fields: set[str] = set()
            for change in changes:
                if change.before is not None:
                    obj = ref_model(pk=change.row_id)
                    for a, v in change.before.items():
                        setattr(obj, a, _restore_value(ref_model, a, v))
                        fields.add(a)
                    restored.append(obj)
            if restored:
                ref_model._default_manager.bulk_update(restored, sorted(fields), batch_size=500)
        batch.status = m.ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by_name = user_label(user)
        batch.save(update_fields=["status", "undone_at", "undone_by_name"])
    return batch


# ---------------------------------------------------------------- settings


def setting_update(*, key: str, value: Any, user: Any = None) -> m.Setting:
    """Change one figure setting, recording who, when, old and new. Validates the key."""
    from dataclasses import asdict

    from timbalans.figures.settings import FigureSettings, settings_from_mapping

    settings_from_mapping({key: value}, source="kontroll")  # raises on unknown key or bad value
    default = asdict(FigureSettings()).get(key)
    with transaction.atomic():
        setting = m.Setting.objects.select_for_update().filter(key=key).first()
        old = setting.value if setting else default
        if setting is None:
            setting = m.Setting(key=key)
        setting.value = value
        setting.changed_by_name = user_label(user)
        setting.save()
        m.SettingChange.objects.create(
            key=key, old=_jsonable(old), new=value, changed_by_name=user_label(user)
        )
    return setting


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value
