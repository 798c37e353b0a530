"""overtime (övertid och timavlönade): one row per unit and month (spec/figures.md).

Hours are worked time up to D 24:00 in the unit's cases (the case's ``unit_id``), split exactly
at month boundaries and D 24:00, each piece in one category of
:func:`timbalans.figures.staff.worked_classified`:

* ``overtime_hours``: types ``overtime_simple`` + ``overtime_qualified`` worked by employees
  who are not hourly-paid on that day;
* ``additional_hours``: type ``additional`` (mertid), likewise;
* ``hourly_staff_hours``: every hour worked by hourly-paid employees, whatever its time type,
  as counted hours (on call × 1/4, standby × 1/7 by default). An hourly-paid employee's overtime
  row is therefore hourly-staff time, never counted twice.

**Cost rule** (SEK, before social fees, as the ledger books wages and fees on separate
accounts; every factor is a setting, example values):

* overtime_cost = hourly cost basis × hours × the type's factor
  (``overtime_factor_simple`` 1.8, ``overtime_factor_qualified`` 2.0);
* additional_cost = hourly cost basis × hours;
* hourly_staff_cost = hourly_wage × (1 + ``holiday_pay_rate`` 0.12) × hours;

where the hourly cost basis is monthly_salary / (full_time_hours_per_week × 52 / 12) of the
employment in force on the day worked. Hours by someone with no employment in force that day
count as hours but cost 0 (there is no basis to price them).

**Baseline and goal.** For a row of month M in year Y the baseline year is
``settings.baseline_for(Y)`` (default Y − 1; with the default settings and rows in D's year,
the year before D's year as the spec says), the goal ``settings.goal_for(Y)``.

Where the spec is silent: the comparison is like for like. The row's facts end at
E = min(last day of M, D); the baseline counts the *same days* of the baseline year:

* baseline_overtime_hours: overtime in the baseline year from the 1st of M to E's day (the
  whole month when M ended by D; 1–15 April when D is 15 April; nothing for a month after D);
* ytd_overtime_hours: overtime from 1 January of Y to E; ytd_baseline_hours: from 1 January
  of the baseline year to E's day there. A whole month's end maps to the whole month
  (28 February → 29 February in a leap baseline year).

change_pct = 100 × (hours − baseline) / baseline, empty when the baseline is 0;
on_track = ytd_change_pct ≤ goal_change_pct, empty when either is empty.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

import polars as pl

from timbalans.core.intervals import local_date, midnight_after, split_at
from timbalans.figures.common import month_first_last, months_between, pct
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import unit_month_grid, worked_classified

COLUMNS = (
    "unit_id",
    "month",
    "overtime_hours",
    "overtime_cost",
    "additional_hours",
    "additional_cost",
    "hourly_staff_hours",
    "hourly_staff_cost",
    "baseline_overtime_hours",
    "overtime_change_pct",
    "ytd_overtime_hours",
    "ytd_baseline_hours",
    "ytd_change_pct",
    "goal_change_pct",
    "on_track",
)
KEY = ["unit_id", "month"]

_WINDOW_SCHEMA = {
    "month": pl.String(),
    "base_from": pl.Date(),
    "base_to": pl.Date(),
    "ytd_from": pl.Date(),
    "ytd_to": pl.Date(),
    "ytd_base_from": pl.Date(),
    "ytd_base_to": pl.Date(),
    "goal_change_pct": pl.Float64(),
}


def same_day_in(day: dt.date, year: int) -> dt.date:
    """``day`` moved to ``year``; the last day of a month stays the last day of that month."""
    last = monthrange(day.year, day.month)[1]
    target_last = monthrange(year, day.month)[1]
    return dt.date(year, day.month, target_last if day.day == last else min(day.day, target_last))


def month_windows(req: FigureRequest) -> pl.DataFrame:
    """Per requested month (a handful of months, not rows): the date windows of its sums.

    ``base_*``: the baseline days of the month; ``ytd_*``: year to date; ``ytd_base_*``: its
    baseline; null bounds = an empty window. Also ``goal_change_pct``.
    """
    s = req.settings
    rows = []
    for month in months_between(req.date_from, req.date_to):
        first, last = month_first_last(month)
        year, base = first.year, s.baseline_for(first.year)
        end = min(last, req.as_of)
        jan1 = dt.date(year, 1, 1)
        rows.append(
            {
                "month": month,
                "base_from": same_day_in(first, base) if end >= first else None,
                "base_to": same_day_in(end, base) if end >= first else None,
                "ytd_from": jan1 if end >= jan1 else None,
                "ytd_to": end if end >= jan1 else None,
                "ytd_base_from": dt.date(base, 1, 1) if end >= jan1 else None,
                "ytd_base_to": same_day_in(end, base) if end >= jan1 else None,
                "goal_change_pct": s.goal_for(year),
            }
        )
    return pl.DataFrame(rows, schema=_WINDOW_SCHEMA)


def _in(date_from: str, date_to: str) -> pl.Expr:
    return (pl.col("date") >= pl.col(date_from)) & (pl.col("date") <= pl.col(date_to))


def overtime(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    windows = month_windows(req)
    months = windows["month"].to_list()
    starts = [d for c in ("ytd_base_from", "base_from") for d in windows[c].drop_nulls()]
    ends = [d for c in ("ytd_base_to", "base_to") for d in windows[c].drop_nulls()]
    first = min([month_first_last(months[0])[0], *starts])
    last = max([month_first_last(months[-1])[1], *ends])
    # Lazy, so each use filters only the columns it reads (a filter of the frame copies them all).
    worked = worked_classified(frames, req.as_of, req.settings, first, last).drop_nulls(
        "case_unit_id"
    )

    # The row's own month: hours and cost by category.
    in_month = (
        worked.filter(pl.col("month").is_in(months))
        .group_by(pl.col("case_unit_id").alias("unit_id"), "month")
        .agg(
            *[
                expr.filter(pl.col("category") == category).sum().alias(name)
                for category, hours in (
                    ("overtime", "hours"),
                    ("additional", "hours"),
                    ("hourly", "counted_hours"),
                )
                for expr, name in (
                    (pl.col(hours), f"{_prefix(category)}_hours"),
                    (pl.col("cost"), f"{_prefix(category)}_cost"),
                )
            ]
        )
        .with_columns(pl.col(KEY).cast(pl.String))
        .collect()
    )

    # Overtime by unit and day, cut at the end of every baseline window (a midnight), so each
    # piece lies wholly inside or outside each window.
    cuts = sorted({midnight_after(d) for d in ends})
    ot = (
        worked.filter(pl.col("category") == "overtime")
        .select("case_unit_id", "start", "end", "break_minutes")
        .collect()
    )
    daily = (
        split_at(ot, cuts)
        .with_columns(local_date("start").alias("date"))
        .group_by(pl.col("case_unit_id").alias("unit_id"), "date")
        .agg(pl.col("hours").sum())
        .with_columns(pl.col("unit_id").cast(pl.String))
    )
    sums = (
        unit_month_grid(frames, months)
        .join(windows, on="month")
        .join(daily, on="unit_id", how="inner")
        .group_by(KEY)
        .agg(
            pl.col("hours")
            .filter(_in("base_from", "base_to"))
            .sum()
            .alias("baseline_overtime_hours"),
            pl.col("hours").filter(_in("ytd_from", "ytd_to")).sum().alias("ytd_overtime_hours"),
            pl.col("hours")
            .filter(_in("ytd_base_from", "ytd_base_to"))
            .sum()
            .alias("ytd_baseline_hours"),
        )
    )
    hour_cols = [c for c in COLUMNS if c.endswith(("_hours", "_cost"))]
    table = (
        unit_month_grid(frames, months)
        .join(windows.select("month", "goal_change_pct"), on="month", how="left")
        .join(in_month, on=KEY, how="left")
        .join(sums, on=KEY, how="left")
        .with_columns(pl.col(hour_cols).fill_null(0.0))
        .with_columns(
            pct(
                pl.col("overtime_hours") - pl.col("baseline_overtime_hours"),
                pl.col("baseline_overtime_hours"),
            ).alias("overtime_change_pct"),
            pct(
                pl.col("ytd_overtime_hours") - pl.col("ytd_baseline_hours"),
                pl.col("ytd_baseline_hours"),
            ).alias("ytd_change_pct"),
        )
        .with_columns((pl.col("ytd_change_pct") <= pl.col("goal_change_pct")).alias("on_track"))
    )
    return table.select(COLUMNS).sort(KEY)


def _prefix(category: str) -> str:
    return "hourly_staff" if category == "hourly" else category
