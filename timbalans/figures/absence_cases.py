"""absence-cases (sjukfrånvaro per ärende): one row per case and month.

spec/figures.md "absence-cases". What sick leave cost each case: the planned hours lost, how
they were replaced and at what cost, and the sick pay. No employee is named: the rows are per
case. Facts up to D 24:00 only.

* rows: every visible case × month of [from, to] with lost shift hours, replacement or sick
  pay;
* sick_shift_hours: the planned hours of booked ``assistance`` shifts of the case that lie
  inside a sick absence of the booked employee (any employment form), the shift's break in
  proportion; overlapping sick rows count a shift's hour once; partial sick leave loses the
  whole hour, as for replacement; in the month the lost time starts;
* replacement_ordinary_hours, replacement_hourly_hours, replacement_overtime_hours: absence's
  replacement rule (:func:`timbalans.figures.absence.replacement_pieces`: other employees'
  worked time in the case during the lost time, the lost time of the case's sick employees
  merged first, by the worker's category), summed per case and month instead of per sick
  employee's unit;
* replacement_cost: the computed cost of exactly those replacement pieces, as case-economics
  computes it (wage, holiday pay, OB and social fees of each worked hour): the
  ``computed_cost_total`` of case-economics over the replacement pieces alone;
* sick_pay_cost: case-economics' computed sick pay on the case (days 1–14 of the sick-pay
  period, less the qualifying deduction, the lost shift's case) with its social fees: the
  ``computed_cost_total`` of case-economics with no worked time.

Both costs reuse case-economics as it stands (one computation of cost), run on the frames
with only the facts that make up the cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl

from timbalans.figures.absence import REPLACEMENT_COLUMNS, SICK, replacement_pieces
from timbalans.figures.case_economics import UNALLOCATED, case_economics
from timbalans.figures.common import month_first_last, months_between
from timbalans.figures.deviations import merged_by
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import (
    absence_shift_pairs,
    midnight,
    shift_columns,
    worked_classified,
)

COLUMNS = (
    "case_id",
    "unit_id",
    "month",
    "sick_shift_hours",
    *REPLACEMENT_COLUMNS,
    "replacement_cost",
    "sick_pay_cost",
)
KEY = ["case_id", "month"]
_US_PER_HOUR = 3_600_000_000
# Every employee's lost time merges per case: the row is the case's, not a unit's.
ANY_UNIT = ""


def sick_shift_hours(frames: Frames, first_day: pl.Expr, end: pl.Expr) -> pl.DataFrame:
    """``case_id``, ``month``, ``sick_shift_hours`` for lost time in [first_day, end)."""
    sick_rows = (
        frames.absences.with_row_index("absence_row")
        .filter(pl.col("type").is_in(list(SICK)))
        .get_column("absence_row")
    )
    lost = (
        absence_shift_pairs(frames)
        .filter(pl.col("absence_row").is_in(sick_rows.implode()))
        .select(
            "shift_row",
            pl.max_horizontal("ov_start", first_day).alias("start"),
            pl.min_horizontal("ov_end", end).alias("end"),
        )
    )
    blocks = merged_by(lost, "shift_row")

    def us(a: str, b: str) -> pl.Expr:
        return (pl.col(b) - pl.col(a)).dt.total_microseconds().cast(pl.Float64)

    share = pl.when(us("s_start", "s_end") > 0).then(us("start", "end") / us("s_start", "s_end"))
    return (
        shift_columns(
            frames,
            blocks,
            pl.col("case_id"),
            pl.col("start").alias("s_start"),
            pl.col("end").alias("s_end"),
            pl.col("break_minutes").cast(pl.Float64).fill_null(0.0),
        )
        .with_columns(
            (
                us("start", "end") / _US_PER_HOUR
                - pl.col("break_minutes") * share.otherwise(0) / 60
            ).alias("hours"),
            pl.col("start").dt.strftime("%Y-%m").alias("month"),
        )
        .group_by(KEY)
        .agg(pl.col("hours").sum().alias("sick_shift_hours"))
    )


def _computed_cost(frames: Frames, req: FigureRequest, alias: str) -> pl.DataFrame:
    """``case_id``, ``month``, ``alias``: case-economics' computed cost of the case rows."""
    table = case_economics(frames, req)
    return table.filter(pl.col("case_id") != UNALLOCATED).select(
        *KEY, pl.col("computed_cost_total").alias(alias)
    )


def absence_cases(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    months = months_between(req.date_from, req.date_to)
    first = month_first_last(months[0])[0]
    last = min(month_first_last(months[-1])[1], req.as_of)  # facts up to D
    parts: list[pl.DataFrame] = []
    if last >= first:
        staff = (
            frames.employees.select("employee_id")
            .join(pl.DataFrame({"month": months}, schema={"month": pl.String}), how="cross")
            .with_columns(pl.lit(ANY_UNIT).alias("unit_id"))
        )
        worked = worked_classified(frames, req.as_of, req.settings, first, last)
        pieces = replacement_pieces(frames, staff, worked, first, last)
        hours = pieces.group_by(KEY).agg(
            pl.col("hours").filter(pl.col("column") == name).sum().alias(name)
            for name in REPLACEMENT_COLUMNS
        )
        no_ledger = frames.ledger.clear()
        replacement_work = replace(
            frames,
            worked=pieces.select(frames.worked.columns),
            absences=frames.absences.clear(),
            ledger=no_ledger,
        )
        sick_only = replace(frames, worked=frames.worked.clear(), ledger=no_ledger)
        parts = [
            sick_shift_hours(frames, midnight(first), midnight(last + dt.timedelta(days=1))),
            hours,
            _computed_cost(replacement_work, req, "replacement_cost"),
            _computed_cost(sick_only, req, "sick_pay_cost"),
        ]
    values = [c for c in COLUMNS if c not in ("case_id", "unit_id", "month")]
    table = pl.DataFrame(schema={"case_id": pl.String, "month": pl.String})
    if parts:
        table = pl.concat([p.select(KEY) for p in parts]).unique()
        for part in parts:
            table = table.join(part, on=KEY, how="left")
    table = table.with_columns(
        pl.lit(0.0).alias(c) for c in values if c not in table.columns
    ).with_columns(pl.col(values).fill_null(0.0))
    active = pl.any_horizontal(pl.col(values) != 0)
    return (
        table.filter(active & pl.col("month").is_in(months))
        .join(frames.cases.select("case_id", "unit_id"), on="case_id", how="inner")
        .select(COLUMNS)
        .sort("unit_id", "case_id", "month")
    )


__all__ = ["COLUMNS", "absence_cases"]
