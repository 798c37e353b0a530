"""case-economics: computed revenue, paid and unpaid hours per case and month."""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.periods import (
    normalize_decisions,
    periods_overlapping,
)
from timbalans.figures.case_economics.base import (
    KEY,
    Window,
    case_units,
)
from timbalans.figures.case_economics.worked import worked_ob_pieces
from timbalans.figures.common import (
    case_settlement_periods,
    taken_up_to,
    with_paid_rate,
)
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest


def revenue_periods(frames: Frames, window: Window) -> pl.DataFrame:
    """The settlement periods of the visible cases that overlap the window's months."""
    return periods_overlapping(
        case_settlement_periods(frames, window.last), window.first, window.last
    ).join(case_units(frames).select("case_id"), on="case_id", how="semi")


def pieces_from(window: Window, periods: pl.DataFrame) -> dt.date:
    """The first day worked time is needed from: the cap counts a period's hours from its
    start, also before the requested months."""
    return min([window.first, *periods["period_start"].to_list()])


def revenue_by_month(
    frames: Frames,
    req: FigureRequest,
    window: Window,
    *,
    periods: pl.DataFrame | None = None,
    pieces: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Computed revenue and unpaid hours per case and month (see the module docstring).

    ``case_id``, ``month``, ``computed_revenue``, ``paid_hours``, ``unpaid_hours``.
    ``pieces`` (:func:`worked_ob_pieces` from :func:`pieces_from`) may be given to save
    splitting the worked time twice.
    """
    out_schema = {
        "case_id": pl.String,
        "month": pl.String,
        "computed_revenue": pl.Float64,
        "paid_hours": pl.Float64,
        "unpaid_hours": pl.Float64,
    }
    rates = req.settings.rates
    if window.last_fact < window.first:
        return pl.DataFrame(schema=out_schema)
    if periods is None:
        periods = revenue_periods(frames, window)
    if pieces is None:
        pieces = worked_ob_pieces(
            frames, req.settings, pieces_from(window, periods), window.last_fact
        )
    # One row per case and day: every hour of a day has the day's rate and the same period, so
    # capping the days in order gives each month exactly what capping the hours would.
    pieces = pieces.group_by("case_id", "date").agg(
        pl.col("month").first(), pl.col("counted_hours").sum()
    )
    pieces = pieces.sort("date").join_asof(
        periods.select("case_id", "period_start", "period_end", "granted_hours").sort(
            "period_start"
        ),
        left_on="date",
        right_on="period_start",
        by="case_id",
        strategy="backward",
        check_sortedness=False,
    )
    in_period = pl.col("period_end").is_not_null() & (pl.col("date") <= pl.col("period_end"))
    pkey = ["case_id", "period_start"]
    pieces = (
        pieces.with_columns(pl.when(in_period).then(pl.col("period_start")).alias("period_start"))
        .sort("case_id", "period_start", "date")
        .with_columns(
            pl.when(pl.col("period_start").is_null())
            .then(0.0)
            .otherwise(taken_up_to("counted_hours", "granted_hours", over=pkey))
            .alias("paid_hours")
        )
    )
    decisions = normalize_decisions(frames.decisions, horizon=window.last).select(
        "case_id", "valid_from", "payer", "hourly_rate"
    )
    priced = with_paid_rate(
        rates,
        pieces.sort("date").join_asof(
            decisions.sort("valid_from"),
            left_on="date",
            right_on="valid_from",
            by="case_id",
            strategy="backward",
            check_sortedness=False,
        ),
        alias="__rate",
    )
    rate = pl.col("__rate")
    return (
        priced.filter(pl.col("date") >= pl.lit(window.first, pl.Date))
        .group_by(KEY)
        .agg(
            (pl.col("paid_hours") * rate).sum().alias("computed_revenue"),
            pl.col("paid_hours").sum(),
            (pl.col("counted_hours") - pl.col("paid_hours")).sum().alias("unpaid_hours"),
        )
        .cast(out_schema)  # type: ignore[arg-type]
    )
