"""limits (arbetstidslagen): one row per employee and month, for the roles that lead or
schedule staff.

spec/figures.md "limits". The limits and how they are measured are the rule objects of
:mod:`timbalans.core.working_time`, with their values from the settings (``limit_*_hours``,
``daily_rest_hours``, ``weekly_rest_hours``). Worked time up to D 24:00, split at months, of
every case in the frames; an hour counts on the date its piece starts.

* rows: every employee of a visible unit (home unit) with worked time in a month of
  [from, to], up to D;
* overtime_hours: overtime (simple and qualified) in the month; overtime_ytd_hours: in the
  calendar year to the month's end; overtime_4w_max_hours: the largest overtime sum of four
  consecutive ISO weeks whose last week ends in the month; additional_ytd_hours: additional
  time (mertid) in the year to the month's end;
* limit_breach: the breached limits, comma-separated in this order: ``overtime_4w`` (> 48 h in
  four weeks), ``overtime_month`` (> 50 h in the month), ``overtime_year`` (> 200 h in the year
  so far), ``additional_year`` (> 200 h); empty when none;
* rest_breaches: the days with less than 11 h daily rest (``YYYY-MM-DD``, the day the 24 hours
  start), then the ISO weeks with less than 36 h weekly rest (``YYYY-Www``, in the month of
  the week's Sunday), comma-separated, each in time order; empty when none.

An employee's limits concern all their work: with the frames limited to some units or cases
(``--unit``), work in other units' cases is not in them. The web page therefore computes the
table over every unit and shows the rows of the user's units.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.working_time import WorkingTimeLimits
from timbalans.figures.common import month_first_last, months_between
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings
from timbalans.figures.staff import worked_categories

COLUMNS = (
    "employee_id",
    "unit_id",
    "month",
    "overtime_hours",
    "overtime_ytd_hours",
    "overtime_4w_max_hours",
    "additional_ytd_hours",
    "limit_breach",
    "rest_breaches",
)
KEY = ["employee_id", "month"]
REST_MARGIN_DAYS = 7


def working_time_limits(settings: FigureSettings) -> WorkingTimeLimits:
    """The rule objects with the values of these settings."""
    return WorkingTimeLimits(
        overtime_4w_hours=settings.limit_overtime_4w_hours,
        overtime_month_hours=settings.limit_overtime_month_hours,
        overtime_year_hours=settings.limit_overtime_year_hours,
        additional_year_hours=settings.limit_additional_year_hours,
        daily_rest_hours=settings.daily_rest_hours,
        weekly_rest_hours=settings.weekly_rest_hours,
    )


def _joined(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``employee_id``, ``month``, ``column``: the keys of ``frame`` joined in order."""
    return frame.group_by(KEY).agg(pl.col(column).sort().str.join(", "))


def limits(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    months = months_between(req.date_from, req.date_to)
    rules = working_time_limits(req.settings)
    work = worked_categories(frames, req.as_of).select(
        "employee_id", "start", "end", "hours", "time_type", "date", "month"
    )
    home = frames.employees.select("employee_id", "unit_id").filter(
        pl.col("unit_id").is_in(frames.units["unit_id"].implode())
    )
    work = work.join(home.select("employee_id"), on="employee_id", how="semi")
    grid = work.filter(pl.col("month").is_in(months)).select(KEY).unique()
    overtime_4w, overtime_month, overtime_year, additional_year = rules.hour_caps()
    values = (
        grid.join(
            overtime_month.values(work, grid).select(*KEY, pl.col("value").alias("overtime_hours")),
            on=KEY,
        )
        .join(
            overtime_year.values(work, grid).select(
                *KEY, pl.col("value").alias("overtime_ytd_hours")
            ),
            on=KEY,
        )
        .join(
            overtime_4w.values(work, grid).select(
                *KEY, pl.col("value").alias("overtime_4w_max_hours")
            ),
            on=KEY,
        )
        .join(
            additional_year.values(work, grid).select(
                *KEY, pl.col("value").alias("additional_ytd_hours")
            ),
            on=KEY,
        )
    )
    order = {rule.code: i for i, rule in enumerate(rules.hour_caps())}
    caps = pl.concat([rule.breaches(work, grid) for rule in rules.hour_caps()])
    caps = (
        caps.select(*KEY, "code")
        .unique()
        .with_columns(pl.col("code").replace_strict(order, return_dtype=pl.Int64).alias("o"))
        .sort("o")
        .group_by(KEY, maintain_order=True)
        .agg(pl.col("code").str.join(", ").alias("limit_breach"))
    )
    # Rest is found from the work near the months asked for: a week ending in the first
    # month starts up to 6 days before it, a 24-hour window on its last day ends the next day.
    first = month_first_last(months[0])[0] - dt.timedelta(days=REST_MARGIN_DAYS)
    last = month_first_last(months[-1])[1] + dt.timedelta(days=REST_MARGIN_DAYS)
    recent = work.filter(pl.col("date").is_between(pl.lit(first), pl.lit(last)))
    rest = pl.concat([rule.breaches(recent) for rule in rules.rest_rules()])
    rest = _joined(rest.rename({"key": "rest_breaches"}), "rest_breaches")
    return (
        values.join(caps, on=KEY, how="left")
        .join(rest, on=KEY, how="left")
        .join(home, on="employee_id", how="inner")
        .select(COLUMNS)
        .sort("unit_id", "employee_id", "month")
    )


__all__ = ["COLUMNS", "limits", "working_time_limits"]
