"""case-economics: sick pay on the case of the lost shift.

The rule is :func:`timbalans.figures.absence.sick_pay_pieces`, the one implementation absence
uses too; here its pieces land on rows: a piece of a planned shift on the shift's case, a piece
without one (given or contracted hours) on the employee's home unit's row ``case_id = ""``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.rates import RateSet
from timbalans.figures.absence import sick_pay_pieces
from timbalans.figures.case_economics.base import PART_SCHEMA, UNALLOCATED, Window, case_units
from timbalans.figures.frames import Frames


def sick_pay_parts(frames: Frames, window: Window, rates: RateSet, as_of: dt.date) -> pl.DataFrame:
    """Sick pay (before fees) of the window's days up to D, as :data:`PART_SCHEMA` parts."""
    pieces = sick_pay_pieces(
        frames, rates=rates, as_of=as_of, first=window.first, last=window.last_fact
    )
    home = frames.employees.select("employee_id", pl.col("unit_id").alias("home_unit"))
    return (
        pieces.join(case_units(frames), on="case_id", how="left")
        .join(home, on="employee_id", how="left")
        .with_columns(
            pl.when(pl.col("case_id") == UNALLOCATED)
            .then(pl.col("home_unit"))
            .otherwise(pl.col("unit_id"))
            .alias("unit_id")
        )
        .filter(
            pl.col("unit_id").is_in(frames.units["unit_id"].implode())
            & (
                (pl.col("case_id") == UNALLOCATED)
                | pl.col("case_id").is_in(case_units(frames)["case_id"].implode())
            )
        )
        .select(
            "case_id",
            "unit_id",
            "month",
            "date",
            pl.lit("sick_pay").alias("column"),
            "amount",
            "structural",
        )
        .cast(PART_SCHEMA)  # type: ignore[arg-type]
    )
