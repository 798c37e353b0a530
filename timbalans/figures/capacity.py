"""capacity (överkapacitet): one row per unit and month, for the unit's monthly-paid employees.

spec/figures.md "capacity"; the shared staff rules (contracted hours, absence hours, worked
time by category) are in :mod:`timbalans.figures.staff`.

Per monthly-paid employee of the unit (home unit) and month:

* contracted = Σ rate/100 × full-time h/week × days employed in the month / 7;
* absence = Σ absence hours of all types (the three-branch rule of ``staff``);
* available = max(0, contracted − absence);
* used = ordinary hours worked up to D 24:00 + booked planned ``assistance`` hours after it;
* unused = max(0, available − used); unused_cost = unused × hourly cost basis × (1 + social
  fee rate).

Summed per unit and month. ``granted_hours``, ``hourly_staff_hours``, ``additional_hours``
and ``overtime_hours`` are by the case's unit; substitutable = min(unused, hourly staff +
additional + overtime hours).

Where the spec is silent:

* A month is a whole-month forecast: contracted and absence hours cover the whole month
  (absences registered after D, such as planned vacation, count), and "used" takes worked
  ordinary time up to D plus planned time after D. For a month wholly before D that is the
  worked time, for a month wholly after D the planned time (the spec's rule); for the month
  containing D it is the natural combination of the two. ``worked_ordinary_hours`` shows
  worked time only (0 after D), so for a month after D: unused = available − planned.
* Planned time is the employee's booked ``assistance`` shifts in all cases (on-call and
  standby shifts are not ordinary working time).
* ``hourly_staff_hours`` are counted hours (on call/standby at their factor) of every time type
  worked by hourly-paid employees; ``additional_hours`` and ``overtime_hours`` are the hours of
  those types by everyone else (an hour is never in two of the three columns).
* The hourly cost basis of an employee-month with two monthly rows is their day-weighted mean.
* Rows: every visible unit × every month overlapping [from, to], zeros where nothing happened.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.periods import granted_hours_by_month
from timbalans.figures.common import month_first_last, months_between
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import (
    absence_day_hours,
    employee_months,
    planned_after_as_of,
    unit_month_grid,
    worked_classified,
)

COLUMNS = (
    "unit_id",
    "month",
    "granted_hours",
    "contracted_hours",
    "absence_hours",
    "available_hours",
    "worked_ordinary_hours",
    "unused_hours",
    "unused_cost",
    "hourly_staff_hours",
    "additional_hours",
    "overtime_hours",
    "substitutable_hours",
)
KEY = ["unit_id", "month"]
EMP_KEY = ["employee_id", "month"]


def _range(req: FigureRequest) -> tuple[list[str], dt.date, dt.date]:
    months = months_between(req.date_from, req.date_to)
    return months, month_first_last(months[0])[0], month_first_last(months[-1])[1]


def capacity_by_employee(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The per-employee rows the unit rows sum: ``employee_id``, ``unit_id``, ``month``,
    ``contracted_hours``, ``absence_hours``, ``available_hours``, ``worked_ordinary_hours``,
    ``planned_after_hours``, ``unused_hours``, ``cost_basis``, ``unused_cost``."""
    return _by_employee(frames, req)[0]


def _by_employee(frames: Frames, req: FigureRequest) -> tuple[pl.DataFrame, pl.LazyFrame]:
    """:func:`capacity_by_employee`, and the ``worked_classified`` pieces it read."""
    months, first, last = _range(req)
    s = req.settings
    staff = employee_months(frames, months)
    # The absence hours and the plan after D before the worked pieces: their pairs, day
    # splits and shift pieces are made while the pieces are not yet alive (national: the
    # absence hours alone were 650 MB on top of them).
    absence = (
        absence_day_hours(frames, first, last)
        .group_by(EMP_KEY)
        .agg(pl.col("hours").sum().alias("absence_hours"))
    )
    planned = planned_after_as_of(frames, req.as_of, first, last).rename(
        {"planned_hours": "planned_after_hours"}
    )
    worked = worked_classified(frames, req.as_of, s, first, last)
    # Lazy, so only the columns read are filtered (a filter of the frame copies every column).
    ordinary = (
        worked.filter(pl.col("category") == "ordinary")
        .group_by(EMP_KEY)
        .agg(pl.col("hours").sum().alias("worked_ordinary_hours"))
        .with_columns(pl.col(EMP_KEY).cast(pl.String))
        .collect()
    )
    rows = (
        staff.join(absence, on=EMP_KEY, how="left")
        .join(ordinary, on=EMP_KEY, how="left")
        .join(planned, on=EMP_KEY, how="left")
        .with_columns(
            pl.col("absence_hours", "worked_ordinary_hours", "planned_after_hours").fill_null(0.0)
        )
        .with_columns(
            (pl.col("contracted_hours") - pl.col("absence_hours"))
            .clip(lower_bound=0.0)
            .alias("available_hours")
        )
        .with_columns(
            (
                pl.col("available_hours")
                - pl.col("worked_ordinary_hours")
                - pl.col("planned_after_hours")
            )
            .clip(lower_bound=0.0)
            .alias("unused_hours")
        )
        .with_columns(
            (pl.col("unused_hours") * pl.col("cost_basis") * (1 + s.social_fee_rate)).alias(
                "unused_cost"
            )
        )
        .select(
            "employee_id",
            "unit_id",
            "month",
            "contracted_hours",
            "absence_hours",
            "available_hours",
            "worked_ordinary_hours",
            "planned_after_hours",
            "unused_hours",
            "cost_basis",
            "unused_cost",
        )
        .sort("unit_id", "month", "employee_id")
    )
    return rows, worked


def capacity(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    months = _range(req)[0]
    by_employee, worked = _by_employee(frames, req)
    per_employee = by_employee.group_by(KEY).agg(
        pl.col(
            "contracted_hours",
            "absence_hours",
            "available_hours",
            "worked_ordinary_hours",
            "unused_hours",
            "unused_cost",
        ).sum()
    )
    case_units = frames.cases.select("case_id", "unit_id")
    granted = (
        granted_hours_by_month(frames.decisions, horizon=req.horizon)
        .join(case_units, on="case_id", how="inner")
        .group_by(KEY)
        .agg(pl.col("granted_hours").sum())
    )
    in_cases = (
        worked.drop_nulls("case_unit_id")
        .group_by(pl.col("case_unit_id").alias("unit_id"), "month")
        .agg(
            pl.col("counted_hours")
            .filter(pl.col("category") == "hourly")
            .sum()
            .alias("hourly_staff_hours"),
            pl.col("hours")
            .filter(pl.col("category") == "additional")
            .sum()
            .alias("additional_hours"),
            pl.col("hours").filter(pl.col("category") == "overtime").sum().alias("overtime_hours"),
        )
        .with_columns(pl.col(KEY).cast(pl.String))
        .collect()
    )
    filled = [c for c in COLUMNS if c not in KEY and c != "substitutable_hours"]
    table = (
        unit_month_grid(frames, months)
        .join(granted, on=KEY, how="left")
        .join(per_employee, on=KEY, how="left")
        .join(in_cases, on=KEY, how="left")
        .with_columns(pl.col(filled).fill_null(0.0))
        .with_columns(
            pl.min_horizontal(
                pl.col("unused_hours"),
                pl.col("hourly_staff_hours")
                + pl.col("additional_hours")
                + pl.col("overtime_hours"),
            ).alias("substitutable_hours")
        )
    )
    return table.select(COLUMNS).sort(KEY)
