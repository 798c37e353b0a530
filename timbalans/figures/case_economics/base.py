"""case-economics: the columns, constants, schemas and the window shared by its sections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from timbalans.figures.common import (
    month_first_last,
    months_between,
)
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest

COST_CATEGORIES = (
    "salary_monthly",
    "salary_hourly",
    "additional_hours",
    "overtime",
    "ob",
    "sick_pay",
    "social_fees",
    "hsl",
    "training_reassignment",
    "other_staff",
    "other",
)
COST_COLUMNS = tuple(f"cost_{c}" for c in COST_CATEGORIES)
COLUMNS = (
    "case_id",
    "unit_id",
    "month",
    "source",
    "revenue",
    *COST_COLUMNS,
    "cost_total",
    "structural_cost",
    "result",
    "result_influenceable",
    "worked_hours",
    "cost_per_hour",
    "revenue_per_hour",
    "hourly_staff_share",
    "overtime_share",
    "ob_share",
    "distinct_staff",
    "unpaid_hours",
    "computed_revenue",
    "computed_cost_total",
    "paid_absence_cost",
    "idle_cost",
)
KEY = ["case_id", "month"]
ROW_KEY = ["case_id", "unit_id", "month"]
UNALLOCATED = ""
LEDGER, COMPUTED = "ledger", "computed"
OB_TIME_TYPES = ("ordinary", "additional")
#: ``kind`` of a cost part: for work on a case, paid absence, idle paid time (unit rows).
WORK, PAID_ABSENCE, IDLE = "work", "paid_absence", "idle"
SICK_PAY_DAYS = 14
HOURLY_DEDUCTION_WEEK_DAYS = 7
FAR_FUTURE = dt.date(9999, 12, 31)

# Long-form cost parts: where each krona lands before the table is pivoted.
# ``fee_amount``: the social fees on the part (Σ amount × the fee rate of each amount's date).
SUM_SCHEMA = {
    "case_id": pl.String(),
    "unit_id": pl.String(),
    "month": pl.String(),
    "column": pl.String(),
    "structural": pl.Boolean(),
    "kind": pl.String(),
    "amount": pl.Float64(),
    "fee_amount": pl.Float64(),
}
PART_SCHEMA = {
    "case_id": pl.String(),
    "unit_id": pl.String(),
    "month": pl.String(),
    "date": pl.Date(),
    "column": pl.String(),
    "amount": pl.Float64(),
    "structural": pl.Boolean(),
}


@dataclass(frozen=True)
class Window:
    """The months of the table, and the days whose facts count (up to D)."""

    months: list[str]
    first: dt.date
    last: dt.date  # last day of the last month
    last_fact: dt.date  # min(last, D)

    @classmethod
    def of(cls, req: FigureRequest) -> Window:
        months = months_between(req.date_from, req.date_to)
        first = month_first_last(months[0])[0]
        last = month_first_last(months[-1])[1]
        return cls(months, first, last, min(last, req.as_of))


def case_units(frames: Frames) -> pl.DataFrame:
    return frames.cases.select("case_id", "unit_id")


def share_of(col: str) -> pl.Expr:
    """``col`` per worked hour (null when no hours)."""
    return pl.when(pl.col("worked_hours") > 0).then(pl.col(col) / pl.col("worked_hours"))
