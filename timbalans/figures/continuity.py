"""continuity (kontinuitet i personalgruppen): one row per case and month of the 12 calendar
months ending with D's month (facts up to D).

Issue 19 item 3, the action plan's "ökad kontinuitet i personalgrupper". From the worked
pieces of :func:`timbalans.figures.staff.worked_categories` (split at months) of the case's
assistance and on-call/standby time alike:

* worked_hours: the case's hours in the month (elapsed minus break);
* distinct_staff: how many different employees worked them;
* top5_share_pct: 100 × the hours of the five employees with the most hours in the case that
  month / worked_hours (100 with five staff or fewer);
* hourly_share_pct: 100 × the hours worked by hourly-paid staff / worked_hours.
"""

from __future__ import annotations

import polars as pl

from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import window_request
from timbalans.figures.staff import worked_categories

COLUMNS = (
    "case_id",
    "unit_id",
    "month",
    "worked_hours",
    "distinct_staff",
    "top5_share_pct",
    "hourly_share_pct",
)
TOP = 5


def continuity(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    window = window_request(req)
    pieces = worked_categories(frames, req.as_of).filter(
        (pl.col("date") >= pl.lit(window.date_from, pl.Date))
        & (pl.col("date") <= pl.lit(req.as_of, pl.Date))
        & pl.col("case_id").is_in(frames.cases["case_id"].implode())
        & pl.col("case_unit_id").is_in(frames.units["unit_id"].implode())
    )
    per_staff = pieces.group_by("case_id", "case_unit_id", "month", "employee_id").agg(
        pl.col("hours").sum(),
        pl.col("hours").filter(pl.col("category") == "hourly").sum().alias("hourly"),
    )
    return (
        per_staff.sort("hours", "employee_id", descending=[True, False])
        .group_by("case_id", "case_unit_id", "month")
        .agg(
            pl.col("hours").sum().alias("worked_hours"),
            pl.len().cast(pl.Int64).alias("distinct_staff"),
            pl.col("hours").head(TOP).sum().alias("__top"),
            pl.col("hourly").sum().alias("__hourly"),
        )
        .filter(pl.col("worked_hours") > 0)
        .select(
            "case_id",
            pl.col("case_unit_id").alias("unit_id"),
            "month",
            "worked_hours",
            "distinct_staff",
            (100 * pl.col("__top") / pl.col("worked_hours")).alias("top5_share_pct"),
            (100 * pl.col("__hourly") / pl.col("worked_hours")).alias("hourly_share_pct"),
        )
        .sort("unit_id", "case_id", "month")
    )


__all__ = ["COLUMNS", "continuity"]
