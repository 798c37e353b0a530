"""case-economics: the bought hours (overtime, mertid, hourly staff) and their own cost.

What the savings table prices an hour that would not be bought at: per unit (the case's) and
month, for each kind of bought time, its hours and its computed cost (wage, holiday pay, OB
and social fees, as in the table's computed split) and, for overtime, the same hours at the
workers' hourly cost basis with fees (so the overtime premium is cost − that).
"""

from __future__ import annotations

import polars as pl

from timbalans.figures.case_economics.base import Window, case_units
from timbalans.figures.case_economics.revenue import pieces_from, revenue_periods
from timbalans.figures.case_economics.worked import priced_pieces, worked_ob_pieces
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest

#: The kinds of bought time, in the order unused contracted time replaces them.
BOUGHT = ("overtime", "additional", "hourly")
BOUGHT_SCHEMA = {
    "unit_id": pl.String(),
    "month": pl.String(),
    "category": pl.String(),
    "hours": pl.Float64(),
    "cost": pl.Float64(),
    "ordinary_cost": pl.Float64(),
}


def bought_hours(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """Per unit of the case, month (of the request's months, facts up to D) and kind of bought
    time (:data:`BOUGHT`): ``hours`` (counted), ``cost`` (wage + OB, with the social fees of
    each piece's date) and ``ordinary_cost`` (the hours at the hourly cost basis with fees;
    hourly-paid staff have none)."""
    window = Window.of(req)
    if window.last_fact < window.first:
        return pl.DataFrame(schema=BOUGHT_SCHEMA)
    rates = req.settings.rates
    # From the same first day as the table's (its settlement periods' starts), so the split
    # worked time is shared with it.
    first = pieces_from(window, revenue_periods(frames, window))
    pieces = worked_ob_pieces(frames, req.settings, first, window.last_fact).filter(
        (pl.col("date") >= pl.lit(window.first, pl.Date)) & pl.col("category").is_in(list(BOUGHT))
    )
    priced = priced_pieces(rates.join(pieces, {"__fee": "social_fee_rate"}), rates)
    fees = 1 + pl.col("__fee")
    return (
        priced.join(case_units(frames), on="case_id", how="inner")
        .group_by("unit_id", "month", "category")
        .agg(
            pl.col("counted_hours").sum().alias("hours"),
            ((pl.col("wage") + pl.col("ob")) * fees).sum().alias("cost"),
            (pl.col("cost_basis") * pl.col("hours") * fees)
            .fill_null(0.0)
            .sum()
            .alias("ordinary_cost"),
        )
        .sort("unit_id", "month", "category")
        .cast(BOUGHT_SCHEMA)  # type: ignore[arg-type]
    )
