"""Day by day within one settlement period of one case: what the case page charts.

``case_days`` gives, for each day of [period_start, period_end], the counted worked hours
(days up to D) and the planned assistance hours (days after D), with the same rules as
``hour-balance``: so the last cumulative value equals the hour balance's forecast_hours.
``case_staff`` gives worked hours per employee in the case over a date range.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import local_date, split_at, split_at_as_of
from timbalans.figures.common import counting_factor
from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings


def _day_cuts(first: dt.date, last: dt.date) -> pl.Series:
    return pl.date_range(first, last + dt.timedelta(days=1), "1d", eager=True)


def case_days(
    frames: Frames,
    *,
    case_id: str,
    period_start: dt.date,
    period_end: dt.date,
    as_of: dt.date,
    settings: FigureSettings,
) -> pl.DataFrame:
    """Columns: date, worked_hours (counted, up to D), planned_remaining_hours (after D)."""
    days = pl.DataFrame({"date": pl.date_range(period_start, period_end, "1d", eager=True)})
    cuts = _day_cuts(period_start, period_end)
    worked = frames.worked.filter(pl.col("case_id") == case_id)
    worked = split_at(split_at_as_of(worked, as_of).filter(~pl.col("after_as_of")), cuts)
    worked_by_day = worked.group_by(local_date("start").alias("date")).agg(
        (pl.col("hours") * counting_factor(settings)).sum().alias("worked_hours")
    )
    shifts = frames.shifts.filter((pl.col("case_id") == case_id) & (pl.col("kind") == "assistance"))
    shifts = split_at(split_at_as_of(shifts, as_of).filter(pl.col("after_as_of")), cuts)
    planned_by_day = shifts.group_by(local_date("start").alias("date")).agg(
        pl.col("hours").sum().alias("planned_remaining_hours")
    )
    return (
        days.join(worked_by_day, on="date", how="left")
        .join(planned_by_day, on="date", how="left")
        .with_columns(pl.col("worked_hours", "planned_remaining_hours").fill_null(0.0))
    )


def case_staff(
    frames: Frames, *, case_id: str, date_from: dt.date, date_to: dt.date, as_of: dt.date
) -> pl.DataFrame:
    """Worked hours per employee in the case from ``date_from`` to min(date_to, D).

    Columns: employee_id, form (of the employee's latest employment), worked_hours,
    overtime_hours; most hours first.
    """
    last = min(date_to, as_of)
    worked = frames.worked.filter(pl.col("case_id") == case_id)
    worked = split_at(worked, pl.Series([date_from, last + dt.timedelta(days=1)]))
    worked = worked.filter(local_date("start").is_between(date_from, last))
    forms = frames.employments.sort("valid_from").group_by("employee_id").agg(pl.col("form").last())
    return (
        worked.group_by("employee_id")
        .agg(
            pl.col("hours").sum().alias("worked_hours"),
            pl.col("hours")
            .filter(pl.col("time_type").is_in(["overtime_simple", "overtime_qualified"]))
            .sum()
            .alias("overtime_hours"),
        )
        .join(forms, on="employee_id", how="left")
        .select("employee_id", "form", "worked_hours", "overtime_hours")
        .sort(["worked_hours", "employee_id"], descending=[True, False])
    )
