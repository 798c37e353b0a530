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

_FRAME_SQL: dict[str, str] = {
    "units": "SELECT u.unit_id, u.name, u.cost_center, u.department FROM records_unit u",
    "cases": (
        "SELECT c.case_id, u.unit_id, c.service, c.start_date, c.end_date, c.label "
        "FROM records_case c JOIN records_unit u ON u.id = c.unit_id"
    ),
    "decisions": (
        "SELECT c.case_id, d.payer, d.hours_per_week, d.double_hours_per_week, d.valid_from, "
        "d.valid_to, d.period_start, d.period_months, d.hourly_rate "
        "FROM records_decision d JOIN records_case c ON c.id = d.case_id"
    ),
    "employees": (
        "SELECT e.employee_id, e.name, u.unit_id "
        "FROM records_employee e JOIN records_unit u ON u.id = e.unit_id"
    ),
    "employments": (
        "SELECT e.employee_id, x.form, x.employment_rate, x.full_time_hours_per_week, "
        "x.monthly_salary, x.hourly_wage, x.valid_from, x.valid_to, x.status "
        "FROM records_employment x JOIN records_employee e ON e.id = x.employee_id"
    ),
    "accounts": "SELECT a.account, a.category, a.structural FROM records_account a",
    "shifts": (
        'SELECT s.shift_id, c.case_id, e.employee_id, s.start, s."end", s.break_minutes, s.kind '
        "FROM records_shift s JOIN records_case c ON c.id = s.case_id "
        "LEFT JOIN records_employee e ON e.id = s.employee_id WHERE s.replaced_by_id IS NULL"
    ),
    "worked": (
        'SELECT c.case_id, e.employee_id, w.start, w."end", w.break_minutes, w.time_type '
        "FROM records_worked w JOIN records_case c ON c.id = w.case_id "
        "JOIN records_employee e ON e.id = w.employee_id WHERE w.replaced_by_id IS NULL"
    ),
    "absences": (
        'SELECT e.employee_id, a.start, a."end", a.type, a.extent_percent, a.hours, '
        "a.whole_days FROM records_absence a JOIN records_employee e ON e.id = a.employee_id "
        "WHERE a.replaced_by_id IS NULL"
    ),
    "ledger": (
        "SELECT l.month, l.cost_center, c.case_id, l.account, l.amount, l.text "
        "FROM records_ledgerentry l LEFT JOIN records_case c ON c.id = l.case_id "
        "WHERE l.replaced_by_id IS NULL"
    ),
    "fk_reports": (
        "SELECT c.case_id, f.month, f.reported_hours FROM records_fkreport f "
        "JOIN records_case c ON c.id = f.case_id WHERE f.replaced_by_id IS NULL"
    ),
}


def _read_table(table: str) -> pl.DataFrame:
    """One canonical table from the database, typed as in file mode."""
    from timbalans.ingest.schema import TABLES, TZ, frame_schema

    schema = frame_schema(table)
    optional_text = {c.name for c in TABLES[table].columns if c.kind == "text" and not c.required}
    with connection.cursor() as cursor:
        cursor.execute(_FRAME_SQL[table])
        names = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    raw = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    exprs = []
    for name, dtype in schema.items():
        col = pl.col(name)
        current = raw.schema[name]
        if current == pl.Null:  # an empty table (or a column with only nulls)
            exprs.append(pl.lit(None, dtype).alias(name))
            continue
        if isinstance(dtype, pl.Datetime):
            if current == pl.String:  # SQLite: naive UTC text
                col = col.str.to_datetime(
                    "%Y-%m-%d %H:%M:%S%.f", time_unit="us"
                ).dt.replace_time_zone("UTC")
            elif isinstance(current, pl.Datetime) and current.time_zone is None:
                col = col.dt.replace_time_zone("UTC")
            col = col.dt.convert_time_zone(TZ).dt.cast_time_unit("us")
        elif dtype == pl.Date and current == pl.String:
            col = col.str.to_date("%Y-%m-%d")
        elif name in optional_text:  # the database keeps an empty optional text as ""
            col = pl.when(col == "").then(None).otherwise(col)
        exprs.append(col.cast(dtype).alias(name))
    return raw.select(exprs)


def frames_load(*, units: set[str] | None = None, cases: set[str] | None = None) -> Frames:
    """The canonical tables in force, as frames, limited to the given units and cases."""
    return Frames.from_dict({t: _read_table(t) for t in _FRAME_SQL}).scoped(
        units=units, cases=cases
    )


def figure_settings_load() -> FigureSettings:
    """The shipped defaults with the department's changes from the database."""
    settings = load_settings()
    changed = dict(m.Setting.objects.values_list("key", "value"))
    if not changed:
        return settings
    latest = m.Setting.objects.order_by("-changed_at").first()
    source = f"databas (ändrad {latest.changed_at:%Y-%m-%d})" if latest else "databas"
    return settings_from_mapping(changed, source=source, base=settings)
