"""The working-time act's limits (arbetstidslagen) as small rule objects over worked time.

Pure: no Django, only polars. The ``limits`` figure table computes its columns with these rules,
and staffing can ask the same objects "would employee E break this limit if they also worked
interval I" (:meth:`Rule.reached`), so there is one definition of every limit.

**Work** is a frame of intervals (:data:`WORK_SCHEMA`): ``employee_id``, ``start``/``end``
(``TIMESTAMP``, half-open), ``hours`` (elapsed minus break), ``time_type`` and ``date`` (the
local date of ``start``). :func:`work_frame` makes one from worked-style rows. An hour counts
in the day, week and month of its piece's start date (callers split at months; a night shift
counts on the day it starts).

**Hour caps** (:class:`HoursCap`), each a limit in hours on some time types:

* ``month``: the hours in the calendar month;
* ``year``: the hours in the calendar year up to the month's end;
* ``4w``: four consecutive ISO weeks (Monday–Sunday); a month's value is the largest sum of any
  four weeks whose last week ends (its Sunday) in the month.

A cap is breached when the value is above the limit (50 h in a month is allowed, 50.5 is not).

**Rest** (:class:`RestRule`), from the work of all time types except ``standby`` (beredskap is
rest unless called out, which is then reported as worked time), merged per employee where
intervals overlap or touch:

* ``day``: from the start of each period of work, the next 24 hours must hold a free stretch
  of ``min_hours`` (11) in one piece; free time after the last known work counts as free.
  A breach is reported on the local date the 24 hours start (one per date);
* ``week``: each ISO week (Monday 00:00 to Monday 00:00, local) must hold a free stretch of
  ``min_hours`` (36) in one piece inside the week. Reported in the month of the week's Sunday.

Every rule gives ``breaches`` (``employee_id``, ``code``, ``key``, ``month``, ``value``,
``excess``: how far past the limit) and ``reached``: whether adding an interval makes some
breach of that employee appear or grow.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

import polars as pl

from timbalans.core.intervals import TIMESTAMP, hours_expr, local_date, local_midnight

OVERTIME_TYPES = ("overtime_simple", "overtime_qualified")
ADDITIONAL_TYPES = ("additional",)
NOT_WORK_FOR_REST = ("standby",)
_US_PER_HOUR = 3_600_000_000

WORK_SCHEMA = {
    "employee_id": pl.String(),
    "start": TIMESTAMP,
    "end": TIMESTAMP,
    "hours": pl.Float64(),
    "time_type": pl.String(),
    "date": pl.Date(),
}
GRID_SCHEMA = {"employee_id": pl.String(), "month": pl.String()}
BREACH_SCHEMA = {
    "employee_id": pl.String(),
    "code": pl.String(),
    "key": pl.String(),
    "month": pl.String(),
    "value": pl.Float64(),
    "excess": pl.Float64(),
}


def work_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Work (:data:`WORK_SCHEMA`) from rows with ``employee_id``, ``start``, ``end``,
    ``time_type`` and optionally ``break_minutes`` (not split: each row counts on its start
    date)."""
    brk = "break_minutes" if "break_minutes" in rows.columns else None
    return rows.select(
        pl.col("employee_id").cast(pl.String),
        pl.col("start").cast(TIMESTAMP),
        pl.col("end").cast(TIMESTAMP),
        hours_expr("start", "end", brk).alias("hours"),
        pl.col("time_type").cast(pl.String),
        local_date("start").alias("date"),
    )


def _month(date: pl.Expr) -> pl.Expr:
    return date.dt.strftime("%Y-%m")


def _monday(date: pl.Expr) -> pl.Expr:
    return date.dt.truncate("1w")  # ISO weeks start on Monday


def _week_key(monday: pl.Expr) -> pl.Expr:
    return monday.dt.strftime("%G-W%V")


def _hours(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return (b - a).dt.total_microseconds().cast(pl.Float64) / _US_PER_HOUR


class Rule(ABC):
    """A limit on an employee's working time; subclasses say how it is measured."""

    code: str

    @abstractmethod
    def breaches(self, work: pl.DataFrame, grid: pl.DataFrame | None = None) -> pl.DataFrame:
        """The breaches in ``work`` (:data:`BREACH_SCHEMA`); ``grid`` (``employee_id``,
        ``month``) limits hour caps to those employee-months (None: the months worked)."""

    def _grid_for(self, new: pl.DataFrame) -> pl.DataFrame | None:
        return None

    def reached(self, work: pl.DataFrame, new: pl.DataFrame) -> bool:
        """Would working ``new`` too (:data:`WORK_SCHEMA`, one employee) make a breach of this
        rule appear or grow for that employee? ``work``: what they already work."""
        if new.height == 0:
            return False
        employee = new["employee_id"][0]
        own = work.filter(pl.col("employee_id") == employee).select(list(WORK_SCHEMA))
        grid = self._grid_for(new)
        before = self.breaches(own, grid).select("key", pl.col("excess").alias("__before"))
        after = self.breaches(pl.concat([own, new.select(list(WORK_SCHEMA))]), grid)
        grown = after.join(before, on="key", how="left").filter(
            pl.col("excess") > pl.col("__before").fill_null(0.0) + 1e-9
        )
        return grown.height > 0


@dataclass(frozen=True)
class HoursCap(Rule):
    """At most ``limit_hours`` of ``time_types`` per ``span`` (see the module docstring)."""

    code: str
    time_types: tuple[str, ...]
    limit_hours: float
    span: Literal["month", "year", "4w"]

    def values(self, work: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
        """``grid`` (``employee_id``, ``month``) with ``value`` (hours; 0 without any) and,
        for ``4w``, ``key`` (the ISO week the largest four-week sum ends in)."""
        counted = work.filter(pl.col("time_type").is_in(list(self.time_types)))
        grid = grid.select(list(GRID_SCHEMA)).cast(GRID_SCHEMA)  # type: ignore[arg-type]
        if self.span == "4w":
            return self._four_weeks(counted, grid)
        monthly = counted.group_by("employee_id", _month(pl.col("date")).alias("m")).agg(
            pl.col("hours").sum()
        )
        if self.span == "month":
            same = pl.col("m") == pl.col("month")
        else:  # the year to the month's end
            same = (pl.col("m").str.slice(0, 4) == pl.col("month").str.slice(0, 4)) & (
                pl.col("m") <= pl.col("month")
            )
        summed = (
            grid.join(monthly, on="employee_id", how="inner")
            .filter(same)
            .group_by("employee_id", "month")
            .agg(pl.col("hours").sum().alias("value"))
        )
        return grid.join(summed, on=["employee_id", "month"], how="left").with_columns(
            pl.col("value").fill_null(0.0), pl.col("month").alias("key")
        )

    def windows(self, work: pl.DataFrame) -> pl.DataFrame:
        """Four-week sums: ``employee_id``, ``key`` (the ISO week a window ends in), ``month``
        (of that week's Sunday), ``value``; only windows with hours."""
        counted = work.filter(pl.col("time_type").is_in(list(self.time_types)))
        weekly = counted.group_by("employee_id", _monday(pl.col("date")).alias("week")).agg(
            pl.col("hours").sum()
        )
        # Each week's hours count in the four-week windows ending in it and the three after.
        return (
            weekly.with_columns(pl.lit([0, 7, 14, 21]).alias("__shift"))
            .explode("__shift")
            .with_columns((pl.col("week") + pl.duration(days=pl.col("__shift"))).alias("end_week"))
            .group_by("employee_id", "end_week")
            .agg(pl.col("hours").sum().alias("value"))
            .select(
                "employee_id",
                _week_key(pl.col("end_week")).alias("key"),
                _month(pl.col("end_week") + pl.duration(days=6)).alias("month"),
                "value",
            )
        )

    def _four_weeks(self, counted: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
        largest = (
            self.windows(counted)
            .sort("employee_id", "month", "value", "key", descending=[False, False, True, False])
            .group_by("employee_id", "month", maintain_order=True)
            .first()
        )
        return grid.join(largest, on=["employee_id", "month"], how="left").with_columns(
            pl.col("value").fill_null(0.0), pl.col("key").fill_null(pl.col("month"))
        )

    def breaches(self, work: pl.DataFrame, grid: pl.DataFrame | None = None) -> pl.DataFrame:
        if grid is None:
            grid = work.select("employee_id", _month(pl.col("date")).alias("month")).unique()
        if self.span == "4w":
            # Every window past the limit, not only the month's largest: a second breach in a
            # month that already has one is a breach of its own.
            found = self.windows(work).join(
                grid.select(list(GRID_SCHEMA)).cast(GRID_SCHEMA),  # type: ignore[arg-type]
                on=["employee_id", "month"],
                how="semi",
            )
        else:
            found = self.values(work, grid)
        return (
            found.filter(pl.col("value") > self.limit_hours)
            .select(
                "employee_id",
                pl.lit(self.code).alias("code"),
                "key",
                "month",
                "value",
                (pl.col("value") - self.limit_hours).alias("excess"),
            )
            .cast(BREACH_SCHEMA)  # type: ignore[arg-type]
        )

    def _grid_for(self, new: pl.DataFrame) -> pl.DataFrame:
        # The months whose value the new hours change: their own; for four weeks the months
        # of the windows they fall in (up to 27 days later); for the year the rest of it.
        first = new["date"].min()
        assert isinstance(first, dt.date)
        last = new["date"].max()
        assert isinstance(last, dt.date)
        if self.span == "4w":
            last = last + dt.timedelta(days=27)
        elif self.span == "year":
            last = dt.date(last.year, 12, 31)
        months = pl.date_range(first.replace(day=1), last, interval="1mo", eager=True)
        return pl.DataFrame(
            {
                "employee_id": [new["employee_id"][0]] * months.len(),
                "month": months.dt.strftime("%Y-%m"),
            },
            schema=GRID_SCHEMA,
        )


def work_blocks(work: pl.DataFrame) -> pl.DataFrame:
    """The periods of work that break rest: ``employee_id``, ``start``, ``end``, sorted; work
    of every type but standby, merged where intervals overlap or touch."""
    rows = (
        work.lazy()
        .filter(
            ~pl.col("time_type").is_in(list(NOT_WORK_FOR_REST)) & (pl.col("end") > pl.col("start"))
        )
        .select("employee_id", "start", "end")
        .sort("employee_id", "start")
        .collect()
    )
    # Sorted by employee: a block starts at a new employee or after the latest end so far;
    # numbering the starts over all rows numbers the blocks (no window per employee).
    same = pl.col("employee_id").shift(1) == pl.col("employee_id")
    latest = pl.col("end").cum_max().over("employee_id")
    return (
        rows.with_columns(latest.alias("__latest"))
        .with_columns(
            (~same.fill_null(False) | (pl.col("start") > pl.col("__latest").shift(1)))
            .cum_sum()
            .alias("__block")
        )
        .group_by("employee_id", "__block")
        .agg(pl.col("start").min(), pl.col("end").max())
        .sort("__block")  # the blocks' numbers are in employee and time order
        .drop("__block")
    )


@dataclass(frozen=True)
class RestRule(Rule):
    """At least ``min_hours`` of rest in one piece per day (24 hours from each start of
    work) or per ISO week (see the module docstring)."""

    code: str
    min_hours: float
    span: Literal["day", "week"]

    def values(self, work: pl.DataFrame) -> pl.DataFrame:
        """``employee_id``, ``key`` (date or ISO week), ``month``, ``value`` (the longest
        free stretch in hours; for a date, the least over the 24-hour windows starting then)."""
        blocks = work_blocks(work)
        return self._days(blocks) if self.span == "day" else self._weeks(blocks)

    def _days(self, blocks: pl.DataFrame) -> pl.DataFrame:
        emp = "employee_id"

        # Blocks are sorted by employee and start: the k-th next block is the k-th next row
        # when it is the same employee's (plain shifts, no window per employee).
        def ahead(col: str, k: int) -> pl.Expr:
            same = pl.col(emp).shift(-k) == pl.col(emp)
            return pl.when(same).then(pl.col(col).shift(-k))

        frame = blocks.with_columns(
            (pl.col("start") + pl.duration(hours=24)).alias("__w"),
            ahead("start", 1).alias("__next"),
            pl.lit(0.0).alias("value"),
        )
        # Walk forward through the blocks that start inside each window: the free stretch
        # after each, up to the next block or the window's end, whichever is first.
        step = 0
        while True:
            start = pl.col("start") if step == 0 else ahead("start", step)
            end = pl.col("end") if step == 0 else ahead("end", step)
            nxt = pl.col("__next") if step == 0 else ahead("__next", step)
            inside = start.is_not_null() & (start < pl.col("__w"))
            stop = pl.min_horizontal(nxt.fill_null(pl.col("__w")), pl.col("__w"))
            free = pl.when(inside & (end < pl.col("__w"))).then(_hours(end, stop)).otherwise(0.0)
            if not frame.select(inside.any()).item():
                break
            frame = frame.with_columns(pl.max_horizontal("value", free).alias("value"))
            step += 1
        return (
            frame.with_columns(local_date("start").alias("__date"))
            .group_by(emp, "__date")
            .agg(pl.col("value").min())
            .select(
                emp,
                pl.col("__date").cast(pl.String).alias("key"),
                _month(pl.col("__date")).alias("month"),
                "value",
            )
        )

    def _weeks(self, blocks: pl.DataFrame) -> pl.DataFrame:
        emp = "employee_id"
        spans = blocks.with_row_index("__i").with_columns(
            _monday(local_date("start")).alias("__first"),
            _monday(local_date(pl.col("end") - pl.duration(microseconds=1))).alias("__last"),
        )
        # Most blocks lie in one week; only those across a Monday are cut per week.
        one = pl.col("__first") == pl.col("__last")
        pieces = pl.concat(
            [
                spans.filter(one).with_columns(pl.col("__first").alias("week")),
                spans.filter(~one)
                .with_columns(pl.date_ranges("__first", "__last", interval="1w").alias("week"))
                .explode("week"),
            ]
        )
        # The bounds of each distinct week (a few dozen), not of every piece.
        bounds = (
            pieces.select("week")
            .unique()
            .with_columns(
                local_midnight("week").alias("__ws"),
                local_midnight(pl.col("week") + pl.duration(days=7)).alias("__we"),
            )
        )
        pieces = (
            pieces.join(bounds, on="week", how="left")
            .with_columns(
                pl.max_horizontal("start", "__ws").alias("start"),
                pl.min_horizontal("end", "__we").alias("end"),
            )
            # Blocks are in employee and time order and do not overlap: by block, then week,
            # is by employee, week and start.
            .sort("__i", "week")
        )
        same = (pl.col(emp).shift(1) == pl.col(emp)) & (pl.col("week").shift(1) == pl.col("week"))
        prev_end = pl.when(same).then(pl.col("end").shift(1)).otherwise(pl.col("__ws"))
        return (
            pieces.with_columns(_hours(prev_end, pl.col("start")).alias("__before"))
            .group_by(emp, "week")
            .agg(
                pl.max_horizontal(
                    pl.col("__before").max(), _hours(pl.col("end").max(), pl.col("__we").first())
                ).alias("value")
            )
            .select(
                emp,
                _week_key(pl.col("week")).alias("key"),
                _month(pl.col("week") + pl.duration(days=6)).alias("month"),
                "value",
            )
        )

    def breaches(self, work: pl.DataFrame, grid: pl.DataFrame | None = None) -> pl.DataFrame:
        return (
            self.values(work)
            .filter(pl.col("value") < self.min_hours)
            .select(
                "employee_id",
                pl.lit(self.code).alias("code"),
                "key",
                "month",
                "value",
                (self.min_hours - pl.col("value")).alias("excess"),
            )
            .cast(BREACH_SCHEMA)  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class WorkingTimeLimits:
    """The act's limits with their values (from the figure settings)."""

    overtime_4w_hours: float = 48.0
    overtime_month_hours: float = 50.0
    overtime_year_hours: float = 200.0
    additional_year_hours: float = 200.0
    daily_rest_hours: float = 11.0
    weekly_rest_hours: float = 36.0

    def hour_caps(self) -> tuple[HoursCap, ...]:
        return (
            HoursCap("overtime_4w", OVERTIME_TYPES, self.overtime_4w_hours, "4w"),
            HoursCap("overtime_month", OVERTIME_TYPES, self.overtime_month_hours, "month"),
            HoursCap("overtime_year", OVERTIME_TYPES, self.overtime_year_hours, "year"),
            HoursCap("additional_year", ADDITIONAL_TYPES, self.additional_year_hours, "year"),
        )

    def rest_rules(self) -> tuple[RestRule, ...]:
        return (
            RestRule("daily_rest", self.daily_rest_hours, "day"),
            RestRule("weekly_rest", self.weekly_rest_hours, "week"),
        )

    def rules(self) -> tuple[Rule, ...]:
        return (*self.hour_caps(), *self.rest_rules())

    def reached(self, work: pl.DataFrame, new: pl.DataFrame) -> list[str]:
        """The codes of the rules that working ``new`` too would break or break further."""
        return [rule.code for rule in self.rules() if rule.reached(work, new)]


__all__ = [
    "BREACH_SCHEMA",
    "WORK_SCHEMA",
    "HoursCap",
    "RestRule",
    "Rule",
    "WorkingTimeLimits",
    "work_blocks",
    "work_frame",
]
