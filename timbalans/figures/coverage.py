"""coverage (övertäckning): one row per case and settlement period (spec/figures.md).

At every instant, k = the number of distinct employees on worked (resp. planned) time in the
case, an open planned shift counting as one more person; the concurrent hours are
∫ max(0, k − 1) dt. Computed with a sweep over start/end events per case and period.

Where the spec is silent:

* A break has no place in time in the data, so coverage uses each interval's full span.
* Two overlapping rows of the same employee in one case count as one person (their union).
* Worked time counts up to D 24:00 (all types: two people on call at once are also two
  people); planned time is the ``assistance`` shifts in the whole period.
"""

from __future__ import annotations

import polars as pl

from timbalans.core.intervals import split_at_as_of, split_at_periods
from timbalans.figures.frames import Frames
from timbalans.figures.hour_balance import PERIOD_KEY, case_periods
from timbalans.figures.registry import FigureRequest

COLUMNS = (
    "case_id",
    "period_start",
    "period_end",
    "worked_concurrent_hours",
    "planned_concurrent_hours",
    "granted_double_hours",
    "excess_worked_hours",
    "excess_planned_hours",
)
_US_PER_HOUR = 3_600_000_000


def _union_per_person(pieces: pl.DataFrame, person: str) -> pl.DataFrame:
    """Merge overlapping intervals of one person within one case and period."""
    keys = [*PERIOD_KEY, person]
    return (
        pieces.sort([*keys, "start"])
        .with_columns(
            pl.col("end").cum_max().shift(1).over(keys).alias("_prev_end"),
        )
        .with_columns(
            (pl.col("_prev_end").is_null() | (pl.col("start") > pl.col("_prev_end")))
            .cum_sum()
            .over(keys)
            .alias("_block")
        )
        .group_by([*keys, "_block"])
        .agg(pl.col("start").min(), pl.col("end").max())
    )


def concurrent_hours(pieces: pl.DataFrame, person: str, name: str) -> pl.DataFrame:
    """∫ max(0, k − 1) dt per case and period, k = distinct persons at each instant."""
    if pieces.height == 0:
        return pl.DataFrame(
            schema={"case_id": pl.String, "period_start": pl.Date, name: pl.Float64}
        )
    merged = _union_per_person(pieces, person)
    events = pl.concat(
        [
            merged.select(*PERIOD_KEY, pl.col("start").alias("t"), pl.lit(1).alias("delta")),
            merged.select(*PERIOD_KEY, pl.col("end").alias("t"), pl.lit(-1).alias("delta")),
        ]
    )
    return (
        events.group_by([*PERIOD_KEY, "t"])
        .agg(pl.col("delta").sum())
        .sort([*PERIOD_KEY, "t"])
        .with_columns(
            pl.col("delta").cum_sum().over(PERIOD_KEY).alias("k"),
            (pl.col("t").shift(-1).over(PERIOD_KEY) - pl.col("t"))
            .dt.total_microseconds()
            .alias("_us"),
        )
        .group_by(PERIOD_KEY)
        .agg(
            ((pl.col("k") - 1).clip(lower_bound=0) * pl.col("_us").fill_null(0))
            .sum()
            .truediv(_US_PER_HOUR)
            .alias(name)
        )
    )


def coverage(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    periods = case_periods(frames, req)
    bounds = periods.select("case_id", "period_start", "period_end")
    in_cases = pl.col("case_id").is_in(periods["case_id"].unique().implode())

    worked = split_at_as_of(frames.worked.filter(in_cases), req.as_of, break_col=None)
    worked = split_at_periods(worked.filter(~pl.col("after_as_of")), bounds, break_col=None)
    worked = worked.drop_nulls("period_start")

    shifts = frames.shifts.filter(in_cases & (pl.col("kind") == "assistance"))
    # An open shift is one more person: give it an identity of its own.
    shifts = shifts.with_row_index("_open").with_columns(
        pl.coalesce(pl.col("employee_id"), pl.lit("open:") + pl.col("_open").cast(pl.String)).alias(
            "_person"
        )
    )
    planned = split_at_periods(shifts, bounds, break_col=None).drop_nulls("period_start")

    table = (
        periods.join(
            concurrent_hours(worked, "employee_id", "worked_concurrent_hours"),
            on=PERIOD_KEY,
            how="left",
        )
        .join(
            concurrent_hours(planned, "_person", "planned_concurrent_hours"),
            on=PERIOD_KEY,
            how="left",
        )
        .with_columns(pl.col("worked_concurrent_hours", "planned_concurrent_hours").fill_null(0.0))
        .with_columns(
            (pl.col("worked_concurrent_hours") - pl.col("granted_double_hours"))
            .clip(lower_bound=0)
            .alias("excess_worked_hours"),
            (pl.col("planned_concurrent_hours") - pl.col("granted_double_hours"))
            .clip(lower_bound=0)
            .alias("excess_planned_hours"),
        )
    )
    return table.select(COLUMNS).sort("case_id", "period_start")
