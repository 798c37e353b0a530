"""One department-scale data set per test session (seed 1, until 2026-11-23), read as frames.

No Django here: the generator is pure.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from timbalans.generator import generate

UNTIL = date(2026, 11, 23)
SEED = 1


class DataSet:
    def __init__(self, path: Path, counts: dict[str, int]):
        self.path = path
        self.counts = counts

    @cache  # noqa: B019 - one instance per session
    def raw(self, name: str) -> pl.DataFrame:
        """The file as written: every column a string (empty = null)."""
        return pl.read_csv(self.path / f"{name}.csv", separator=";", infer_schema_length=0)

    def times(self, name: str) -> pl.DataFrame:
        """shifts / worked with naive wall-clock datetimes and paid hours (real elapsed time
        in Europe/Stockholm less the break)."""
        f = self.raw(name).with_columns(
            pl.col("start").str.to_datetime("%Y-%m-%d %H:%M"),
            pl.col("end").str.to_datetime("%Y-%m-%d %H:%M"),
            pl.col("break_minutes").cast(pl.Int64),
        )
        local = [pl.col(c).dt.replace_time_zone("Europe/Stockholm") for c in ("end", "start")]
        return f.with_columns(
            ((local[0] - local[1]).dt.total_minutes() - pl.col("break_minutes"))
            .truediv(60)
            .alias("hours")
        )

    def ledger(self) -> pl.DataFrame:
        return self.raw("ledger").with_columns(pl.col("amount").cast(pl.Float64))

    def dates(self, name: str, *cols: str) -> pl.DataFrame:
        return self.raw(name).with_columns(pl.col(c).str.to_date() for c in cols)


@pytest.fixture(scope="session")
def ds(tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    path = tmp_path_factory.mktemp("department")
    counts = generate(path, scale="department", seed=SEED, until=UNTIL)
    return DataSet(path, counts)


def results_2025(ds: DataSet) -> pl.DataFrame:
    """Each case's 2025 result from the ledger (revenue booked negative): -sum(amount)."""
    return (
        ds.ledger()
        .filter(pl.col("month").str.starts_with("2025") & pl.col("case_id").is_not_null())
        .group_by("case_id")
        .agg((-pl.col("amount").sum()).alias("result"))
        .sort(["result", "case_id"])
    )
