"""Reads of the canonical tables."""

from __future__ import annotations

import polars as pl
from django.db.models import Count

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
