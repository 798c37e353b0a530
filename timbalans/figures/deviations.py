"""deviations (avvikelser schema mot utfört): one row per case and month.

spec/figures.md "deviations". Planned ``assistance`` shifts (booked or open) against worked
time of the same case. A worked row *matches* a shift of the case when the two overlap in time,
whoever worked it (a replacement counts as the shift being worked).

* rows: every visible case × month of [from, to] with planned or worked hours;
* planned_hours: planned assistance hours in the whole month (also after D), as hour-balance
  counts them per period; worked_hours: counted worked hours up to D 24:00 (on call × 1/4,
  standby × 1/7);
* worked_without_shift_hours: the counted hours of worked rows that overlap no shift of the
  case;
* worked_outside_shift_hours: of the matched rows, the counted hours that fall outside every
  shift of the case (a row that starts before its shift or runs past it);
* planned_not_worked_hours: planned hours up to D 24:00 that no worked time of the case
  covers (the uncovered part of each shift, its break in proportion).

So worked_hours = the matched hours inside shifts + worked_outside_shift_hours +
worked_without_shift_hours. A row or shift across a month boundary or D 24:00 is split there,
its break in proportion; a matched row stays matched in every month it runs into.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.figures.common import (
    month_first_last,
    months_between,
    planned_pieces,
    worked_pieces,
)
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import interval_pairs, overlapping

COLUMNS = (
    "case_id",
    "unit_id",
    "month",
    "planned_hours",
    "worked_hours",
    "worked_without_shift_hours",
    "worked_outside_shift_hours",
    "planned_not_worked_hours",
)
KEY = ["case_id", "month"]


def merged_by(intervals: pl.DataFrame, by: str = "case_id") -> pl.DataFrame:
    """The union of the intervals of each ``by`` value as disjoint blocks: ``block``, ``by``,
    ``start``, ``end`` (intervals that overlap or touch are one block)."""
    rows = (
        intervals.filter(pl.col("end") > pl.col("start"))
        .select(by, "start", "end")
        .sort(by, "start")
    )
    prev_end = pl.col("end").cum_max().shift(1).over(by)
    return (
        rows.with_columns(
            (prev_end.is_null() | (pl.col("start") > prev_end)).cum_sum().over(by).alias("__n")
        )
        .group_by(by, "__n")
        .agg(pl.col("start").min(), pl.col("end").max())
        .drop("__n")
        .sort(by, "start")
        .with_row_index("block")
    )


def covered_share(pieces: pl.DataFrame, blocks: pl.DataFrame, ident: str) -> pl.DataFrame:
    """``ident``, ``covered``: the share of each piece's elapsed time inside the case's blocks
    (0 when none)."""
    pairs = interval_pairs(pieces, blocks, on=["case_id"], left_id=ident, right_id="block")
    elapsed = (pl.col("end") - pl.col("start")).dt.total_microseconds().cast(pl.Float64)
    inside = pairs.group_by(ident).agg(
        (pl.col("ov_end") - pl.col("ov_start"))
        .dt.total_microseconds()
        .cast(pl.Float64)
        .sum()
        .alias("__in")
    )
    return (
        pieces.select(ident, "start", "end")
        .join(inside, on=ident, how="left")
        .select(
            ident,
            pl.when(elapsed > 0)
            .then(pl.col("__in").fill_null(0.0) / elapsed)
            .otherwise(0.0)
            .alias("covered"),
        )
    )


def _longest(intervals: pl.DataFrame) -> dt.timedelta:
    longest = intervals.select((pl.col("end") - pl.col("start")).max()).item()
    return longest if isinstance(longest, dt.timedelta) else dt.timedelta(0)


def deviations(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    months = months_between(req.date_from, req.date_to)
    first, last = month_first_last(months[0])[0], month_first_last(months[-1])[1]
    shifts = frames.shifts.filter(pl.col("kind") == "assistance")
    # Only what can touch the months: the rows in them, and around them what a row in them
    # can overlap (as far as the longest shift or worked row reaches).
    reach = dt.timedelta(days=2 + max(_longest(shifts), _longest(frames.worked)).days)
    near_shifts = overlapping(shifts, first - reach, last + reach)
    planned = planned_pieces(overlapping(shifts, first, last), req.as_of).filter(
        pl.col("month").is_in(months)
    )
    worked_rows = overlapping(frames.worked.with_row_index("row"), first - reach, last + reach)
    worked = worked_pieces(worked_rows, req.as_of, req.settings)
    worked_blocks = merged_by(worked)

    # Matching is per worked row (up to D), against every assistance shift of the case.
    matched = (
        interval_pairs(
            worked.select("row", "case_id", "start", "end"),
            near_shifts.with_row_index("shift").select("shift", "case_id", "start", "end"),
            on=["case_id"],
            left_id="row",
            right_id="shift",
        )
        .select("row")
        .unique()
    )
    worked = worked.filter(pl.col("month").is_in(months)).with_row_index("piece")
    inside_shifts = covered_share(worked, merged_by(near_shifts), "piece")
    worked = worked.join(inside_shifts, on="piece").join(
        matched.with_columns(pl.lit(True).alias("matched")), on="row", how="left"
    )
    is_matched = pl.col("matched").fill_null(False)
    worked_sums = worked.group_by(KEY).agg(
        pl.col("counted_hours").sum().alias("worked_hours"),
        pl.col("counted_hours").filter(~is_matched).sum().alias("worked_without_shift_hours"),
        (pl.col("counted_hours") * (1 - pl.col("covered")))
        .filter(is_matched)
        .sum()
        .alias("worked_outside_shift_hours"),
    )

    done = planned.filter(~pl.col("after_as_of")).with_row_index("piece")
    covered = covered_share(done, worked_blocks, "piece")
    planned_sums = (
        planned.group_by(KEY)
        .agg(pl.col("hours").sum().alias("planned_hours"))
        .join(
            done.join(covered, on="piece")
            .group_by(KEY)
            .agg(
                (pl.col("hours") * (1 - pl.col("covered"))).sum().alias("planned_not_worked_hours")
            ),
            on=KEY,
            how="left",
        )
    )
    keys = pl.concat([planned_sums.select(KEY), worked_sums.select(KEY)]).unique()
    return (
        keys.join(frames.cases.select("case_id", "unit_id"), on="case_id", how="inner")
        .join(planned_sums, on=KEY, how="left")
        .join(worked_sums, on=KEY, how="left")
        .with_columns(pl.col(list(COLUMNS[3:])).fill_null(0.0))
        .select(COLUMNS)
        .sort("unit_id", "case_id", "month")
    )


__all__ = ["COLUMNS", "covered_share", "deviations", "merged_by"]
