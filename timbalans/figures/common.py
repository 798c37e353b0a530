"""Building blocks shared by the figure tables (spec/figures.md, "Shared rules")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from timbalans.core.intervals import (
    split_at_as_of,
    split_at_months,
)
from timbalans.core.periods import FK, settlement_periods
from timbalans.core.rates import RateSet
from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings

_US_PER_HOUR = 3_600_000_000

COUNTED_1_TO_1 = ("ordinary", "additional", "overtime_simple", "overtime_qualified")
OVERTIME_TYPES = ("overtime_simple", "overtime_qualified")


def counting_factor(settings: FigureSettings, time_type: str = "time_type") -> pl.Expr:
    """How much one worked hour of each type counts toward granted hours."""
    t = pl.col(time_type)
    return (
        pl.when(t.is_in(COUNTED_1_TO_1))
        .then(pl.lit(1.0))
        .when(t == "on_call")
        .then(pl.lit(settings.on_call_factor))
        .when(t == "standby")
        .then(pl.lit(settings.standby_factor))
        .otherwise(pl.lit(0.0))
    )


def worked_pieces(worked: pl.DataFrame, as_of: dt.date, settings: FigureSettings) -> pl.DataFrame:
    """Worked time up to D 24:00, split at month boundaries.

    Adds ``hours`` (real time minus the proportional break), ``counted_hours`` (hours × the
    type's counting factor) and ``month``; pieces after D are dropped.
    """
    pieces = split_at_as_of(worked, as_of)
    pieces = pieces.filter(~pl.col("after_as_of")).drop("after_as_of")
    pieces = split_at_months(pieces)
    return pieces.with_columns((pl.col("hours") * counting_factor(settings)).alias("counted_hours"))


def planned_pieces(
    shifts: pl.DataFrame, as_of: dt.date, *, kinds: tuple[str, ...] = ("assistance",)
) -> pl.DataFrame:
    """Planned shifts of the given kinds, split at D 24:00 and at month boundaries.

    Adds ``hours``, ``month`` and ``after_as_of`` (the piece is still plan on D).
    """
    pieces = shifts.filter(pl.col("kind").is_in(kinds))
    pieces = split_at_as_of(pieces, as_of)
    return split_at_months(pieces)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """The months ``YYYY-MM`` from the month of ``first`` to the month of ``last``."""
    out: list[str] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_first_last(month: str) -> tuple[dt.date, dt.date]:
    y, m = int(month[:4]), int(month[5:7])
    first = dt.date(y, m, 1)
    nxt = dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def hourly_cost_basis() -> pl.Expr:
    """Monthly employees' hourly cost basis = monthly_salary / (full-time h/week × 52 / 12)."""
    return pl.col("monthly_salary") / (pl.col("full_time_hours_per_week") * 52 / 12)


def pct(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """100 × n / d, null when d is 0 or null."""
    return pl.when(denominator != 0).then(100 * numerator / denominator).otherwise(None)


def taken_up_to(amount: str | pl.Expr, cap: str | pl.Expr, *, over: Sequence[str]) -> pl.Expr:
    """Expression: the part of each row's ``amount`` that still fits under ``cap``.

    The rows of a group ``over`` take from ``cap`` in frame order (the caller sorts): a row
    gets what is left of the cap after the rows before it, at most its own amount, never less
    than 0. ``amount`` is not negative; a null ``cap`` is no cap. What is left over
    (``amount`` − taken) is the part beyond the cap.
    """
    a = pl.col(amount) if isinstance(amount, str) else amount
    c = pl.col(cap) if isinstance(cap, str) else cap
    before = a.cum_sum().shift(1, fill_value=0.0).over(list(over))
    # An uncapped row gets exactly its amount (no cum-sum rounding), so "nothing beyond the
    # cap" stays an exact comparison for the callers.
    return pl.min_horizontal((c - before).clip(lower_bound=0.0), a)


def month_labels(dates: pl.Series) -> pl.Series:
    """``YYYY-MM`` of each date (null for null), formatted once per distinct date (a few
    hundred) rather than once per row."""
    distinct = dates.drop_nulls().unique()
    return dates.replace_strict(
        distinct, distinct.dt.strftime("%Y-%m"), default=None, return_dtype=pl.String
    )


def case_settlement_periods(frames: Frames, horizon: dt.date) -> pl.DataFrame:
    """:func:`timbalans.core.periods.settlement_periods` of ``frames.decisions``, computed
    once per set of frames and horizon (hour-balance, coverage and case-economics all start
    from them); open-ended decisions run through the period containing ``horizon``."""
    return frames.derived(
        ("settlement_periods", horizon),
        lambda: settlement_periods(frames.decisions, horizon=horizon),
    )


_RATE_KEYS = {
    "__std": "standard_hourly_rate",
    "__mun": "municipal_hourly_rate",
    "__cap": "raised_rate_cap_pct",
}


def with_paid_rate(rates: RateSet, frame: pl.DataFrame, *, alias: str) -> pl.DataFrame:
    """``frame`` (``date``, and the decision's ``payer`` and ``hourly_rate``) with ``alias``:
    the rate paid for an hour on ``date``: the decision's ``hourly_rate`` (for FK at most the
    standard rate + ``raised_rate_cap_pct``), else the standard hourly rate (FK, also when no
    decision is known) or the municipality's internal rate (KOMMUN) valid on that day.
    The one rule that case-economics' revenue, fk-check and the forecast price hours by."""
    priced = rates.join(frame, _RATE_KEYS)
    fk = pl.col("payer").fill_null(FK) == FK
    rate = (
        pl.when(pl.col("hourly_rate").is_not_null() & fk)
        .then(pl.min_horizontal("hourly_rate", pl.col("__std") * (1 + pl.col("__cap") / 100)))
        .when(pl.col("hourly_rate").is_not_null())
        .then(pl.col("hourly_rate"))
        .when(fk)
        .then(pl.col("__std"))
        .otherwise(pl.col("__mun"))
    )
    return priced.with_columns(rate.alias(alias)).drop(list(_RATE_KEYS))
