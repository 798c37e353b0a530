"""`timbalans figures` for fk-check, deviations, absence-cases and limits: from files (no
database) as CSV, and as XLSX with Swedish headers."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.core.management import call_command

from tests.builders import write_set
from timbalans.figures import absence_cases, deviations, fk_check, limits

TABLES = {
    "fk-check": fk_check.COLUMNS,
    "deviations": deviations.COLUMNS,
    "absence-cases": absence_cases.COLUMNS,
    "limits": limits.COLUMNS,
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_new_table_comes_from_files_as_csv(name, tmp_path, capsys):
    data = write_set(tmp_path / "set")
    call_command(
        "figures",
        name,
        "--as-of",
        "2025-02-15",
        "--from",
        "2025-01-01",
        "--to",
        "2025-02-15",
        "--data",
        str(data),
        "--format",
        "csv",
        stderr=io.StringIO(),
    )
    table = pl.read_csv(io.StringIO(capsys.readouterr().out))
    assert tuple(table.columns) == TABLES[name]


def test_the_deviations_come_as_xlsx_with_swedish_headers(tmp_path):
    data = write_set(tmp_path / "set")
    out = tmp_path / "avvikelser.xlsx"
    call_command(
        "figures",
        "deviations",
        "--as-of",
        "2025-02-15",
        "--from",
        "2025-01-01",
        "--to",
        "2025-02-15",
        "--data",
        str(data),
        "--format",
        "xlsx",
        "--out",
        str(out),
        stderr=io.StringIO(),
    )
    sheet = pl.read_excel(out, sheet_name="deviations")
    assert sheet.select("Ärende", "Månad", "Utfört utan pass (timmar)").rows() == [
        ("51470", "2025-01", 8.0),
        ("51470", "2025-02", 8.0),
        ("51357", "2025-01", 9.0),
    ]


def test_the_limits_from_files_list_each_employee_and_month_worked(tmp_path, capsys):
    data = write_set(tmp_path / "set")
    call_command(
        "figures",
        "limits",
        "--as-of",
        "2025-02-15",
        "--from",
        "2025-01-01",
        "--to",
        "2025-02-15",
        "--data",
        str(data),
        "--format",
        "csv",
        stderr=io.StringIO(),
    )
    table = pl.read_csv(io.StringIO(capsys.readouterr().out))
    assert table.select("employee_id", "month", "overtime_hours").rows() == [
        ("E1", "2025-01", 0.0),
        ("E1", "2025-02", 0.0),
        ("E2", "2025-01", 0.0),
    ]
