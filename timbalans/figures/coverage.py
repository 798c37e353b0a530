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

from timbalans.figures.concurrency import PERIOD_KEY
from timbalans.figures.frames import Frames
from timbalans.figures.hour_balance import case_periods, period_sums
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


def excess_worked_hours(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The worked half of :func:`coverage` alone (savings needs no more): ``case_id``,
    ``period_start``, ``excess_worked_hours``, the same values and order as in coverage."""
    periods = case_periods(frames, req)
    sums = period_sums(frames, req).select(*PERIOD_KEY, "worked_concurrent_hours")
    return (
        periods.join(sums, on=PERIOD_KEY, how="left")
        .with_columns(pl.col("worked_concurrent_hours").fill_null(0.0))
        .select(
            "case_id",
            "period_start",
            (pl.col("worked_concurrent_hours") - pl.col("granted_double_hours"))
            .clip(lower_bound=0)
            .alias("excess_worked_hours"),
        )
        .sort("case_id", "period_start")
    )


def coverage(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    periods = case_periods(frames, req)
    sums = period_sums(frames, req).select(
        *PERIOD_KEY, "worked_concurrent_hours", "planned_concurrent_hours"
    )
    table = (
        periods.join(sums, on=PERIOD_KEY, how="left")
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
