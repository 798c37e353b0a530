"""The larger scales: the issue's sizes, with the department's kind of staff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.generator.conftest import UNTIL
from timbalans.generator import config, generate, structure
from timbalans.generator.calendar import Calendar, add_months
from timbalans.generator.core import data_start


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("municipality")
    return path, generate(path, scale="municipality", seed=1, until=UNTIL)


def read(path: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(path / f"{name}.csv", separator=";", infer_schema_length=0)


def test_a_municipality_year_has_400_cases_and_about_4000_employees(municipality) -> None:
    path, counts = municipality
    assert counts["cases"] == 400
    # Employees with an employment in the 12 months ending with until's month: the data also
    # holds the year before (the baseline year), whose turnover adds more people in all.
    year_start = add_months(UNTIL.replace(day=1), -11).isoformat()
    in_year = read(path, "employments").filter(
        (pl.col("valid_from") <= UNTIL.isoformat())
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= year_start))
    )
    assert 3800 <= in_year["employee_id"].n_unique() <= 4200
    assert counts["employees"] > in_year["employee_id"].n_unique()


def test_the_municipality_holds_the_whole_year_before_as_the_overtime_baseline(
    municipality,
) -> None:
    path, _ = municipality
    assert data_start(config.SCALES["municipality"], UNTIL) == date(UNTIL.year - 1, 1, 1)
    months = read(path, "worked")["start"].str.slice(0, 7).unique().sort().to_list()
    assert months[0] == f"{UNTIL.year - 1}-01"
    assert months[-1] == UNTIL.isoformat()[:7]
    assert len(months) == 12 + UNTIL.month


@pytest.mark.parametrize("seed", [2, 3])
def test_other_seeds_give_about_ten_employees_per_case_too(seed: int) -> None:
    scale = config.SCALES["municipality"]
    # per municipality-year: the 12 months ending with until's month
    cal = Calendar(add_months(UNTIL.replace(day=1), -11), UNTIL)
    s = structure.build(cal, scale, np.random.Generator(np.random.PCG64(seed)))
    # contracts no larger than their line's needs: a few more part-timers than 10 per case
    assert 9.5 <= s.n_emp / s.n_cases <= 11.0


def test_the_pool_adds_hourly_substitutes_who_mostly_fill_in(municipality) -> None:
    path, counts = municipality
    employments = read(path, "employments")
    hourly = employments.filter(pl.col("form") == "hourly")["employee_id"].unique()
    # the case's own staff give about 58 % hourly employees, the pool raises it (the
    # baseline year's turnover, hourly staff's higher, adds a little)
    assert 0.62 <= hourly.len() / counts["employees"] <= 0.78
    worked = read(path, "worked")
    assert set(worked["employee_id"]) <= set(read(path, "employees")["employee_id"])
    # nearly every substitute is called in at least once in the year
    idle = set(hourly) - set(worked["employee_id"])
    assert len(idle) < 0.03 * hourly.len()
