"""Building blocks shared by the figure tables (spec/figures.md, "Shared rules")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from timbalans.core.intervals import (
    TIMESTAMP,
    TZ,
    ZONE,
    hours_expr,
    local_midnight,
    split_at_as_of,
    split_at_months,
)
from timbalans.core.periods import settlement_periods
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


def period_pieces(
    intervals: pl.DataFrame,
    periods: pl.DataFrame,
    *,
    until: dt.datetime | None = None,
    after: dt.datetime | None = None,
    break_col: str = "break_minutes",
) -> pl.DataFrame:
    """Each interval cut to each settlement period of its case (``case_id``) it overlaps.

    The same pieces as ``split_at_periods`` (and, with ``until``, ``split_at_as_of`` first,
    keeping what lies before ``until``), dropping what lies in no period, computed as one
    equi-join on the case and a clip instead of cuts and as-of joins: periods of a case do not
    overlap, so a piece is the interval ∩ the period. ``start``/``end`` become the piece's
    bounds; adds ``period_start``, ``period_end``, ``period_row`` (the period's position in
    ``periods``), ``hours`` (elapsed − the break in
    proportion to elapsed time) and, with ``after``, ``hours_after`` (the hours of the part
    of the piece from ``after`` on). Rows with null bounds are dropped.
    """
    bounds = periods.select(
        "case_id",
        "period_start",
        "period_end",
        local_midnight("period_start").alias("_ps"),
        local_midnight(pl.col("period_end") + pl.duration(days=1)).alias("_pe"),
    ).with_row_index("period_row")
    start, end = pl.col("start"), pl.col("end")
    lf = intervals.lazy().drop("period_start", "period_end", "period_row", strict=False)
    if bounds.height:
        lo, hi = bounds["_ps"].min(), bounds["_pe"].max()
        lf = lf.filter((start < hi) & ((end > lo) | (start >= lo)))
    if until is not None:
        lf = lf.filter(start < until)
    ps = pl.max_horizontal(start, pl.col("_ps"))
    pe = pl.min_horizontal(end, pl.col("_pe"), *([pl.lit(until)] if until is not None else []))
    total = (end - start).dt.total_microseconds().cast(pl.Float64)
    brk = pl.col(break_col).cast(pl.Float64).fill_null(0.0) if break_col else pl.lit(0.0)

    def hours(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        us = (b - a).dt.total_microseconds().cast(pl.Float64)
        share = pl.when(total > 0).then(us / total).otherwise(pl.lit(1.0))
        return us / _US_PER_HOUR - brk * share / 60

    out = (
        lf.join(bounds.lazy(), on="case_id", how="inner")
        # A piece is kept when it has length, or is an empty interval lying in the period.
        .filter((pe > ps) | ((end == start) & (start >= pl.col("_ps")) & (start < pl.col("_pe"))))
        .with_columns(ps.alias("_a"), pe.alias("_b"))
        .with_columns(hours(pl.col("_a"), pl.col("_b")).alias("hours"))
    )
    if after is not None:
        cut = pl.lit(after)
        out = out.with_columns(
            pl.when(pl.col("_a") >= cut)
            .then(pl.col("hours"))
            .when(pl.col("_b") > cut)
            .then(hours(cut, pl.col("_b")))
            .otherwise(pl.lit(0.0))
            .alias("hours_after")
        )
    if break_col and break_col in intervals.columns:
        share = pl.when(total > 0).then(
            (pl.col("_b") - pl.col("_a")).dt.total_microseconds().cast(pl.Float64) / total
        )
        out = out.with_columns((brk * share.otherwise(pl.lit(1.0))).alias(break_col))
    return (
        out.with_columns(pl.col("_a").alias("start"), pl.col("_b").alias("end"))
        .drop("_ps", "_pe", "_a", "_b")
        .collect()
    )


# --------------------------------------------------------------------------- fast calendar


def _midnights(days: list[dt.date]) -> pl.Series:
    return pl.Series("at", days, pl.Date).cast(pl.Datetime("us")).dt.replace_time_zone(TZ)


def _local_day(instant: object) -> dt.date:
    assert isinstance(instant, dt.datetime)
    return instant.astimezone(ZONE).date()


def local_dates(instants: pl.Series) -> pl.Series:
    """The local (Europe/Stockholm) date of each instant, null for null.

    The same as ``local_date`` (a time-zone conversion of every value), computed by a binary
    search among the local midnights of the few hundred days the instants span.
    """
    if instants.null_count() == instants.len():
        return pl.Series(instants.name, [None] * instants.len(), pl.Date)
    first, last = _local_day(instants.min()), _local_day(instants.max())
    n = (last - first).days + 1
    midnights = _midnights([first + dt.timedelta(days=k) for k in range(n)])
    index = midnights.search_sorted(instants, side="right").cast(pl.Int32) - 1
    epoch_days = (first - dt.date(1970, 1, 1)).days
    days = (index + epoch_days).cast(pl.Date).alias(instants.name)
    return (
        days
        if not instants.has_nulls()
        else pl.select(pl.when(instants.is_not_null()).then(days)).to_series()
    )


def month_labels(dates: pl.Series) -> pl.Series:
    """``YYYY-MM`` of each date (null for null), formatted once per distinct date (a few
    hundred) rather than once per row."""
    distinct = dates.drop_nulls().unique()
    return dates.replace_strict(
        distinct, distinct.dt.strftime("%Y-%m"), default=None, return_dtype=pl.String
    )


def split_months_fast(
    frame: pl.DataFrame, *, break_col: str | None = "break_minutes"
) -> pl.DataFrame:
    """``split_at_months`` (pieces, ``hours``, ``month``), rows in another order.

    Most intervals lie inside one month: a binary search among the month starts finds them,
    they get their month directly, and only the few that cross a month boundary go through
    the general split.
    """
    if frame.height == 0 or frame["start"].null_count() or frame["end"].null_count():
        return split_at_months(frame, break_col=break_col)
    frame = frame.with_columns(pl.col("start", "end").cast(TIMESTAMP))
    first = month_start(_local_day(frame["start"].min()))
    last = month_start(_local_day(frame["end"].max()))
    months = months_between(first, last)
    starts = [month_first_last(m)[0] for m in months]
    starts.append(month_first_last(months[-1])[1] + dt.timedelta(days=1))
    bounds = _midnights(starts)
    i = bounds.search_sorted(frame["start"], side="right")
    j = bounds.search_sorted(frame["end"], side="left")
    inside = j <= i
    crossing = split_at_months(frame.filter(~inside), break_col=break_col)
    labels = pl.Series("month", [*months, None], pl.String)
    bcol = break_col if break_col is not None and break_col in frame.columns else None
    whole = frame.filter(inside).with_columns(
        *([pl.col(bcol).cast(pl.Float64)] if bcol else []),
        hours_expr("start", "end", bcol).alias("hours"),
        labels.gather(i.filter(inside) - 1).alias("month"),
    )
    return pl.concat([whole.select(crossing.columns), crossing])


def case_settlement_periods(frames: Frames, horizon: dt.date) -> pl.DataFrame:
    """:func:`timbalans.core.periods.settlement_periods` of ``frames.decisions``, computed
    once per set of frames and horizon (hour-balance, coverage and case-economics all start
    from them); open-ended decisions run through the period containing ``horizon``."""
    return frames.derived(
        ("settlement_periods", horizon),
        lambda: settlement_periods(frames.decisions, horizon=horizon),
    )
