"""The larger scales: the issue's sizes, with the department's kind of staff."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.generator.conftest import UNTIL
from timbalans.generator import config, generate, structure
from timbalans.generator.calendar import Calendar
from timbalans.generator.core import data_start


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("municipality")
    return path, generate(path, scale="municipality", seed=1, until=UNTIL)


def read(path: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(path / f"{name}.csv", separator=";", infer_schema_length=0)


def test_a_municipality_year_has_400_cases_and_about_4000_employees(municipality) -> None:
    _, counts = municipality
    assert counts["cases"] == 400
    assert 3800 <= counts["employees"] <= 4200


@pytest.mark.parametrize("seed", [2, 3])
def test_other_seeds_give_about_ten_employees_per_case_too(seed: int) -> None:
    scale = config.SCALES["municipality"]
    cal = Calendar(data_start(scale, UNTIL), UNTIL)
    s = structure.build(cal, scale, np.random.Generator(np.random.PCG64(seed)))
    assert 9.5 <= s.n_emp / s.n_cases <= 10.5


def test_the_pool_adds_hourly_substitutes_who_mostly_fill_in(municipality) -> None:
    path, counts = municipality
    employments = read(path, "employments")
    hourly = employments.filter(pl.col("form") == "hourly")["employee_id"].unique()
    # the case's own staff give about 58 % hourly employees, the pool raises it
    assert 0.62 <= hourly.len() / counts["employees"] <= 0.75
    worked = read(path, "worked")
    assert set(worked["employee_id"]) <= set(read(path, "employees")["employee_id"])
    # nearly every substitute is called in at least once in the year
    idle = set(hourly) - set(worked["employee_id"])
    assert len(idle) < 0.03 * hourly.len()
