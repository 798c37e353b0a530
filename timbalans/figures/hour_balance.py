"""hour-balance (timbalans): one row per case and settlement period (spec/figures.md).

Granted hours come from the decisions (days/7 rule, ``timbalans.core.periods``); planned hours
are the ``assistance`` shifts (booked or open); worked hours are the counted worked hours up to
D 24:00. Intervals are split exactly at period boundaries and at D 24:00, breaks in proportion.

Where the spec is silent:

* A period with 0 granted hours has no deviation percentage; its status is ``over`` when the
  forecast is above 0 (every hour is past what will be paid), else ``balanced``.
* Work or plan outside every settlement period of its case (before the first decision, after
  the last) belongs to no row.
* ``schedule_end`` is the local date of the last instant of the last planned assistance
  shift piece in the period (a shift ending at 00:00 ends the day before).
* ``pace_forecast_hours``: "days from the later of schedule_end and D to period_end" are the
  days after that date up to and including period_end (period_end − that date); "days
  elapsed" are period_start..min(D, period_end) inclusive. Before the period has begun no
  day has elapsed and the pace forecast is the forecast. A period with no planned shift at
  all has no schedule_end and its pace forecast is the forecast (the spec's condition needs
  a schedule_end).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import last_local_date, midnight_after, period_pieces
from timbalans.core.periods import periods_overlapping
from timbalans.figures.common import case_settlement_periods, counting_factor
from timbalans.figures.concurrency import PERIOD_KEY, concurrent_hours, planned_persons
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
    "schedule_end",
    "pace_forecast_hours",
)
PERIOD_BOUNDS = ["case_id", "period_start", "period_end"]
# What the period pieces hold that neither hour-balance nor coverage reads (``hours`` has the
# break already; the period is ``PERIOD_KEY`` or ``period_row``).
_UNREAD = ["break_minutes", "period_end"]


def case_periods(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The settlement periods of the visible cases that overlap [from, to], with unit_id."""

    def compute() -> pl.DataFrame:
        periods = case_settlement_periods(frames, req.horizon)
        periods = periods_overlapping(periods, req.date_from, req.date_to)
        return periods.join(frames.cases.select("case_id", "unit_id"), on="case_id", how="inner")

    return frames.derived(("case_periods", req.date_from, req.date_to), compute)


def worked_period_pieces(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """Worked time up to D 24:00 cut to the periods of :func:`case_periods`: the worked
    columns but the break, ``period_start``, ``period_row``, ``hours``. Not kept (national:
    10 million pieces): :func:`period_sums` keeps what the tables read of them."""
    periods = case_periods(frames, req)
    return period_pieces(
        frames.worked, periods.select(PERIOD_BOUNDS), until=midnight_after(req.as_of)
    ).drop(_UNREAD)


def planned_period_pieces(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """Planned ``assistance`` shifts cut to the periods of :func:`case_periods`: ``shift_row``
    (the position in ``frames.shifts``), ``case_id``, ``employee_id``, ``start``, ``end``,
    ``period_start``, ``period_row``, ``hours`` and ``hours_after`` (the hours after D
    24:00). Not kept, as :func:`worked_period_pieces`."""
    periods = case_periods(frames, req)
    # The employee is taken by position after the cut, not carried through it: one string
    # column less in each copy the cut makes (national: 12 million shifts, 400 MB).
    shifts = (
        frames.shifts.lazy()
        .with_row_index("shift_row")
        .filter(pl.col("kind") == "assistance")
        .select("shift_row", "case_id", "start", "end", "break_minutes")
        .collect()
    )
    pieces = period_pieces(shifts, periods.select(PERIOD_BOUNDS), after=midnight_after(req.as_of))
    del shifts
    employee = frames.shifts["employee_id"].gather(pieces["shift_row"])
    return pieces.drop(_UNREAD).insert_column(2, employee)  # after shift_row and case_id


def period_sums(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """What hour-balance and coverage read of the period pieces, per period of
    :func:`case_periods` (``PERIOD_KEY``; null where a period has no pieces):
    ``worked_hours`` (counted, up to D 24:00), ``planned_hours``,
    ``planned_remaining_hours``, ``schedule_end``, ``worked_concurrent_hours`` and
    ``planned_concurrent_hours`` (:func:`timbalans.figures.concurrency.concurrent_hours`).

    Computed once per request's dates and counting factors and kept, while the pieces
    (national: 3 and 4 million here, 10 and 12 million for a year) are not: one set of
    pieces is alive at a time, and only sums are kept."""
    s = req.settings

    def compute() -> pl.DataFrame:
        worked = worked_period_pieces(frames, req)
        parts = [
            worked.group_by(PERIOD_KEY).agg(
                (pl.col("hours") * counting_factor(s)).sum().alias("worked_hours")
            ),
            concurrent_hours(worked, "employee_id", "worked_concurrent_hours"),
        ]
        del worked
        planned = planned_period_pieces(frames, req)
        parts += [
            planned.group_by(PERIOD_KEY).agg(
                pl.col("hours").sum().alias("planned_hours"),
                pl.col("hours_after").sum().alias("planned_remaining_hours"),
                last_local_date(pl.col("end").max()).alias("schedule_end"),
            ),
            concurrent_hours(planned_persons(planned), "_person", "planned_concurrent_hours"),
        ]
        table = case_periods(frames, req).select(PERIOD_KEY)
        for part in parts:
            table = table.join(part, on=PERIOD_KEY, how="left")
        return table

    key = ("period_sums", req.as_of, req.date_from, req.date_to)
    return frames.derived((*key, s.on_call_factor, s.standby_factor), compute)


def worked_by_period(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """Counted worked hours per case and period, up to D 24:00."""
    return period_sums(frames, req).select(*PERIOD_KEY, "worked_hours")


def planned_by_period(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """Planned assistance hours per case and period: all, and those after D."""
    return period_sums(frames, req).select(
        *PERIOD_KEY, "planned_hours", "planned_remaining_hours", "schedule_end"
    )


def hour_balance(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    periods = case_periods(frames, req)
    worked = worked_by_period(frames, req)
    planned = planned_by_period(frames, req)
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
    return (
        table.with_columns(pace_forecast_hours(req.as_of))
        .select(COLUMNS)
        .sort("case_id", "period_start")
    )


def pace_forecast_hours(as_of: dt.date) -> pl.Expr:
    """forecast_hours, plus, when the schedule ends before the open period does, the days
    after the later of schedule_end and D at the pace worked per elapsed day so far."""
    d = pl.lit(as_of, pl.Date)
    elapsed = (
        (pl.min_horizontal(d, pl.col("period_end")) - pl.col("period_start")).dt.total_days() + 1
    ).cast(pl.Float64)
    unscheduled = (
        (pl.col("period_end") - pl.max_horizontal(pl.col("schedule_end"), d)).dt.total_days()
    ).cast(pl.Float64)
    pace = pl.when(elapsed > 0).then(pl.col("worked_hours") / elapsed).otherwise(0.0)
    ends_early = (
        pl.col("schedule_end").is_not_null()
        & (pl.col("schedule_end") < pl.col("period_end"))
        & ~pl.col("is_closed")
    )
    return (
        pl.when(ends_early)
        .then(pl.col("forecast_hours") + unscheduled * pace)
        .otherwise(pl.col("forecast_hours"))
        .alias("pace_forecast_hours")
    )


# ---------------------------------------------------------------------------- the worklist
# Derived from an hour-balance row for the pages' worklist, not columns of the figure (the
# spec's table stays as it is): what the schedule plans per week from D on, how much that must
# change to land on granted, and whether the schedule runs out before the period does.


def planned_hours_per_week() -> pl.Expr:
    """``planned_hours_per_week``: planned_remaining_hours / weeks_remaining, the pace the
    schedule keeps from D on (empty when no weeks remain)."""
    return (
        pl.when(pl.col("weeks_remaining") > 0)
        .then(pl.col("planned_remaining_hours") / pl.col("weeks_remaining"))
        .alias("planned_hours_per_week")
    )


def weekly_change_hours() -> pl.Expr:
    """``weekly_change_hours``: required_hours_per_week − planned_hours_per_week, the hours a
    week the schedule must gain (positive) or lose (negative) to land on granted. The same as
    −forecast_deviation_hours / weeks_remaining (empty when no weeks remain)."""
    return (
        pl.when(pl.col("weeks_remaining") > 0)
        .then(-pl.col("forecast_deviation_hours") / pl.col("weeks_remaining"))
        .alias("weekly_change_hours")
    )


def schedule_missing() -> pl.Expr:
    """``schedule_missing``: the period is open and its schedule ends before it does (or it
    has no planned shift at all), so the forecast counts no hours for its last days."""
    return (
        ~pl.col("is_closed")
        & (pl.col("schedule_end").is_null() | (pl.col("schedule_end") < pl.col("period_end")))
    ).alias("schedule_missing")


def pace_weekly_change_hours() -> pl.Expr:
    """``pace_weekly_change_hours``: where the schedule is missing (:func:`schedule_missing`),
    the weekly change that lands on granted from the pace forecast instead of the schedule's,
    (granted_hours − pace_forecast_hours) / weeks_remaining; else empty. A period that has
    just begun needs more schedule, not more hours a week, when its pace lands on granted."""
    return (
        pl.when(schedule_missing() & (pl.col("weeks_remaining") > 0))
        .then((pl.col("granted_hours") - pl.col("pace_forecast_hours")) / pl.col("weeks_remaining"))
        .alias("pace_weekly_change_hours")
    )


WORKLIST_COLUMNS = (
    "planned_hours_per_week",
    "weekly_change_hours",
    "schedule_missing",
    "pace_weekly_change_hours",
)


def worklist_columns() -> list[pl.Expr]:
    """The derived columns above, for ``frame.with_columns``."""
    return [
        planned_hours_per_week(),
        weekly_change_hours(),
        schedule_missing(),
        pace_weekly_change_hours(),
    ]
