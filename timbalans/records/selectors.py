"""Reads of the canonical tables."""

from __future__ import annotations

import polars as pl
from django.db import connection
from django.db.models import Count

from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings, load_settings, settings_from_mapping
from timbalans.ingest.validate import Known
from timbalans.records import models as m


def known_references() -> Known:
    """What is stored now, for validating references of a new data set."""
    return Known(
        units=pl.DataFrame(
            list(m.Unit.objects.values_list("unit_id", "cost_center")),
            schema={"unit_id": pl.String, "cost_center": pl.String},
            orient="row",
        ),
        cases=pl.DataFrame(
            list(m.Case.objects.values_list("case_id", "unit__unit_id")),
            schema={"case_id": pl.String, "unit_id": pl.String},
            orient="row",
        ),
        employees=pl.DataFrame(
            list(m.Employee.objects.values_list("employee_id", "unit__unit_id")),
            schema={"employee_id": pl.String, "unit_id": pl.String},
            orient="row",
        ),
        employments=pl.DataFrame(
            list(
                m.Employment.objects.values_list("employee__employee_id", "valid_from", "valid_to")
            ),
            schema={"employee_id": pl.String, "valid_from": pl.Date, "valid_to": pl.Date},
            orient="row",
        ),
        accounts=pl.DataFrame(
            list(m.Account.objects.values_list("account", "category", "structural")),
            schema={"account": pl.String, "category": pl.String, "structural": pl.Boolean},
            orient="row",
        ),
    )


def import_batch_list() -> list[m.ImportBatch]:
    return list(m.ImportBatch.objects.select_related("created_by").order_by("-pk"))


def record_counts() -> dict[str, int]:
    """Active rows per canonical table."""
    counts = {
        "units": m.Unit.objects.count(),
        "cases": m.Case.objects.count(),
        "decisions": m.Decision.objects.count(),
        "employees": m.Employee.objects.count(),
        "employments": m.Employment.objects.count(),
        "accounts": m.Account.objects.count(),
    }
    for table, model in (
        ("shifts", m.Shift),
        ("worked", m.Worked),
        ("absences", m.Absence),
        ("ledger", m.LedgerEntry),
        ("fk_reports", m.FkReport),
    ):
        counts[table] = model.objects.filter(replaced_by__isnull=True).count()
    return counts


def unit_case_counts() -> list[dict[str, object]]:
    return list(
        m.Unit.objects.annotate(n_cases=Count("cases"))
        .values("unit_id", "name", "cost_center", "n_cases")
        .order_by("unit_id")
    )


# ---------------------------------------------------------------- frames for the figures

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
}
_TIME_MODELS_TABLES = ("shifts", "worked", "absences", "ledger", "fk_reports")
_REFERENCED = {"@unit": "units", "@case": "cases", "@employee": "employees"}


def _select_sql(table: str, postgres: bool) -> tuple[list[str], str]:
    """(the selected expressions, the FROM and WHERE clauses) of one table's query."""
    db_table, columns = _QUERIES[table]
    exprs = [
        # PostgreSQL: exact microseconds since 1970, no text to parse.
        f"(extract(epoch from {source}) * 1000000)::bigint" if how == "ts" and postgres else source
        for _, source, how in columns
    ]
    where = " WHERE replaced_by_id IS NULL" if table in _TIME_MODELS_TABLES else ""
    return exprs, f"FROM {db_table}{where}"


def _fetch_csv(table: str) -> tuple[bytes, str]:
    """The table's rows as CSV built by the database itself, and its quote character.

    Reading row by row would make a Python object of every value (seconds for a
    municipality); instead PostgreSQL writes CSV with ``COPY ... TO STDOUT`` and SQLite joins
    its rows into one string with ``group_concat``, each value written with ``quote()`` (text
    in single quotes, a quote inside doubled; NULL as an empty unquoted field, which polars
    reads as null while a quoted empty text stays "").
    """
    postgres = connection.vendor == "postgresql"
    exprs, source = _select_sql(table, postgres)
    with connection.cursor() as cursor:
        if postgres:
            sql = f"COPY (SELECT {', '.join(exprs)} {source}) TO STDOUT (FORMAT csv)"
            with cursor.cursor.copy(sql) as copy:
                return b"".join(bytes(block) for block in copy), '"'
        # Only free text is quoted; codes are keys (integers), and dates, times, numbers and
        # the fixed choices of enums cannot hold a comma, a quote or a line break.
        hows = [how for _, _, how in _QUERIES[table][1]]
        cells = " || ',' || ".join(
            f"iif(c{i} IS NULL, '', quote(c{i}))" if how == "text" else f"ifnull(c{i}, '')"
            for i, how in enumerate(hows)
        )
        aliased = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
        # Built from the constants above only, never from input.
        cursor.execute(f"SELECT group_concat({cells}, char(10)) FROM (SELECT {aliased} {source})")  # noqa: S608
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


def _read_all() -> dict[str, pl.DataFrame]:
    """Every canonical table in force, typed as in file mode."""
    codes: dict[str, pl.DataFrame] = {}
    tables: dict[str, pl.DataFrame] = {}
    for table in _QUERIES:
        frame = _typed(table, _read_raw(table), codes)
        if _ID in frame.columns:
            codes[table] = _code_key(frame, table)
            frame = frame.drop(_ID)
        tables[table] = frame
    return tables


def frames_load(*, units: set[str] | None = None, cases: set[str] | None = None) -> Frames:
    """The canonical tables in force, as frames, limited to the given units and cases."""
    return Frames.from_dict(_read_all()).scoped(units=units, cases=cases)


def figure_settings_load() -> FigureSettings:
    """The shipped defaults with the department's changes from the database."""
    settings = load_settings()
    changed = dict(m.Setting.objects.values_list("key", "value"))
    if not changed:
        return settings
    latest = m.Setting.objects.order_by("-changed_at").first()
    source = f"databas (ändrad {latest.changed_at:%Y-%m-%d})" if latest else "databas"
    return settings_from_mapping(changed, source=source, base=settings)
