"""Reads of the canonical tables: references, counts, batches, the figure settings.

The canonical tables as frames for the figures are read in :mod:`timbalans.records.frames`;
the process's figure cache is :mod:`timbalans.records.figure_cache`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl
from django.db.models import Count, Q

from timbalans.ingest.validate import STORED_TIME_SCHEMA, Known, StoredTimeQuery
from timbalans.records import models as m

if TYPE_CHECKING:
    from timbalans.figures.settings import FigureSettings


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
                m.Employment.objects.values_list(
                    "employee__employee_id", "valid_from", "valid_to", "form"
                )
            ),
            schema={
                "employee_id": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "form": pl.String,
            },
            orient="row",
        ),
        decisions=pl.DataFrame(
            list(
                m.Decision.objects.values_list("case__case_id", "payer", "valid_from", "valid_to")
            ),
            schema={
                "case_id": pl.String,
                "payer": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            },
            orient="row",
        ),
        accounts=pl.DataFrame(
            list(m.Account.objects.values_list("account", "category", "structural")),
            schema={"account": pl.String, "category": pl.String, "structural": pl.Boolean},
            orient="row",
        ),
        # No stored shift or worked row at all (a first import): nothing to overlap, and
        # the overlap check skips building its query (0.3 s of CPU at municipality scale).
        stored_time=(
            stored_time_rows if m.Shift.objects.exists() or m.Worked.objects.exists() else None
        ),
    )


def known_for_case(*, case_id: str) -> Known:
    """What is stored, for validating decisions of one case (a decision entered in a form):
    the case (if it exists) and its decisions; a decision refers to nothing else."""
    full = Known()
    return Known(
        cases=pl.DataFrame(
            list(m.Case.objects.filter(case_id=case_id).values_list("case_id", "unit__unit_id")),
            schema=full.cases.schema,
            orient="row",
        ),
        decisions=pl.DataFrame(
            list(
                m.Decision.objects.filter(case__case_id=case_id).values_list(
                    "case__case_id", "payer", "valid_from", "valid_to"
                )
            ),
            schema=full.decisions.schema,
            orient="row",
        ),
    )


def stored_time_rows(query: StoredTimeQuery) -> pl.DataFrame:
    """The stored shifts or worked rows in force that an import's rows may overlap (see
    ``StoredTimeQuery``): of its employees, around its time, not replaced by it."""
    model: type[m.Shift] | type[m.Worked] = m.Shift if query.table == "shifts" else m.Worked
    replaced = (
        Q(month__in=query.months)
        & Q(case__unit__unit_id__in=query.units)
        & ~Q(case__case_id__in=query.moved_out)
    )
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(query.employees), 5000):
        rows.extend(
            model._default_manager.filter(
                replaced_by__isnull=True,
                employee__employee_id__in=query.employees[i : i + 5000],
                start__lt=query.last,
                end__gt=query.first,
            )
            .exclude(replaced)
            .values_list(
                "employee__employee_id", "case__case_id", "start", "end", "month", "batch_id"
            )
        )
    frame = pl.DataFrame(
        rows,
        schema={
            **STORED_TIME_SCHEMA,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    return frame.with_columns(pl.col("start", "end").dt.convert_time_zone("Europe/Stockholm"))


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
        ("budget", m.BudgetEntry),
    ):
        counts[table] = model.objects.filter(replaced_by__isnull=True).count()
    return counts


def unit_case_counts() -> list[dict[str, object]]:
    return list(
        m.Unit.objects.annotate(n_cases=Count("cases"))
        .values("unit_id", "name", "cost_center", "n_cases")
        .order_by("unit_id")
    )


def figure_settings_load() -> FigureSettings:
    """The shipped defaults with the department's changes (settings and rates) from the
    database, read once per data version: a setting or rate change moves it
    (``figure_cache.figure_data_version``), and every figure of a page asks for them."""
    # Imported here: an import reads these selectors, and imports no figure modules until it
    # has written (tests/cli/test_cli.py).
    from timbalans.records import figure_cache

    return figure_cache.figure_result_cached(key=("figure-settings",), compute=_settings_read)


def _settings_read() -> FigureSettings:
    from dataclasses import replace

    # here, not at the top: an import reads the references above and needs no figures
    from timbalans.figures.settings import load_settings, settings_from_mapping
    from timbalans.records.rates import rate_set_load

    settings = load_settings()
    changed = dict(m.Setting.objects.values_list("key", "value"))
    if changed:
        latest = m.Setting.objects.order_by("-changed_at").first()
        source = f"databas (ändrad {latest.changed_at:%Y-%m-%d})" if latest else "databas"
        settings = settings_from_mapping(changed, source=source, base=settings)
    # The rates (satser) in force: the shipped defaults with the department's own over them.
    return replace(settings, rates=rate_set_load(base=settings.rates))
