"""hour-balance (timbalans): one row per case and settlement period (spec/figures.md).

Granted hours come from the decisions (days/7 rule, ``timbalans.core.periods``); planned hours
are the ``assistance`` shifts (booked or open); worked hours are the counted worked hours up to
D 24:00. Intervals are split exactly at period boundaries and at D 24:00, breaks in proportion.

Where the spec is silent:

* A period with 0 granted hours has no deviation percentage; its status is ``over`` when the
  forecast is above 0 (every hour is past what will be paid), else ``balanced``.
* Work or plan outside every settlement period of its case (before the first decision, after
  the last) belongs to no row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import split_at_as_of, split_at_periods
from timbalans.core.periods import periods_overlapping, settlement_periods
from timbalans.figures.common import counting_factor
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest

COLUMNS = (
    "case_id",
    "unit_id",
    "period_start",
    "period_end",
    "payer",
    "granted_hours",
    "planned_hours",
    "worked_hours",
    "planned_remaining_hours",
    "forecast_hours",
    "forecast_deviation_hours",
    "forecast_deviation_pct",
    "remaining_granted_hours",
    "weeks_remaining",
    "required_hours_per_week",
    "status",
    "is_closed",
    "unpaid_hours",
)
PERIOD_KEY = ["case_id", "period_start"]


def case_periods(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The settlement periods of the visible cases that overlap [from, to], with unit_id."""
    periods = settlement_periods(frames.decisions)
    periods = periods_overlapping(periods, req.date_from, req.date_to)
    return periods.join(frames.cases.select("case_id", "unit_id"), on="case_id", how="inner")


def worked_by_period(frames: Frames, periods: pl.DataFrame, req: FigureRequest) -> pl.DataFrame:
    """Counted worked hours per case and period, up to D 24:00."""
    worked = frames.worked.filter(pl.col("case_id").is_in(periods["case_id"].unique().implode()))
    pieces = split_at_as_of(worked, req.as_of).filter(~pl.col("after_as_of"))
    pieces = split_at_periods(pieces, periods.select("case_id", "period_start", "period_end"))
    return (
        pieces.drop_nulls("period_start")
        .group_by(PERIOD_KEY)
        .agg((pl.col("hours") * counting_factor(req.settings)).sum().alias("worked_hours"))
    )


def planned_by_period(frames: Frames, periods: pl.DataFrame, req: FigureRequest) -> pl.DataFrame:
    """Planned assistance hours per case and period: all, and those after D."""
    shifts = frames.shifts.filter(
        (pl.col("kind") == "assistance")
        & pl.col("case_id").is_in(periods["case_id"].unique().implode())
    )
    pieces = split_at_as_of(shifts, req.as_of)
    pieces = split_at_periods(pieces, periods.select("case_id", "period_start", "period_end"))
    return (
        pieces.drop_nulls("period_start")
        .group_by(PERIOD_KEY)
        .agg(
            pl.col("hours").sum().alias("planned_hours"),
            pl.col("hours").filter(pl.col("after_as_of")).sum().alias("planned_remaining_hours"),
        )
    )


def hour_balance(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    periods = case_periods(frames, req)
    worked = worked_by_period(frames, periods, req)
    planned = planned_by_period(frames, periods, req)
    d = pl.lit(req.as_of, pl.Date)
    next_day = pl.lit(req.as_of + dt.timedelta(days=1), pl.Date)
    s = req.settings
    table = (
        periods.join(worked, on=PERIOD_KEY, how="left")
        .join(planned, on=PERIOD_KEY, how="left")
        .with_columns(
            pl.col("worked_hours", "planned_hours", "planned_remaining_hours").fill_null(0.0)
        )
        .with_columns(
            (pl.col("period_end") < d).alias("is_closed"),
            (pl.col("worked_hours") + pl.col("planned_remaining_hours")).alias("forecast_hours"),
            (pl.col("granted_hours") - pl.col("worked_hours")).alias("remaining_granted_hours"),
            (
                (
                    (
                        pl.col("period_end") - pl.max_horizontal(next_day, pl.col("period_start"))
                    ).dt.total_days()
                    + 1
                )
                .clip(lower_bound=0)
                .cast(pl.Float64)
                / 7
            ).alias("weeks_remaining"),
            (pl.col("worked_hours") - pl.col("granted_hours"))
            .clip(lower_bound=0)
            .alias("unpaid_hours"),
        )
        .with_columns(
            (pl.col("forecast_hours") - pl.col("granted_hours")).alias("forecast_deviation_hours"),
            pl.when(pl.col("weeks_remaining") > 0)
            .then(pl.col("remaining_granted_hours") / pl.col("weeks_remaining"))
            .alias("required_hours_per_week"),
        )
        .with_columns(
            pl.when(pl.col("granted_hours") != 0)
            .then(100 * pl.col("forecast_deviation_hours") / pl.col("granted_hours"))
            .alias("forecast_deviation_pct")
        )
        .with_columns(
            pl.when(
                pl.col("forecast_deviation_pct").is_null() & (pl.col("forecast_hours") > 0)
                | (pl.col("forecast_deviation_pct") > s.status_over_pct)
            )
            .then(pl.lit("over"))
            .when(pl.col("forecast_deviation_pct") < s.status_under_pct)
            .then(pl.lit("under"))
            .otherwise(pl.lit("balanced"))
            .alias("status")
        )
    )
    return table.select(COLUMNS).sort("case_id", "period_start")
