"""coverage (övertäckning): one row per case and settlement period (spec/figures.md).

At every instant, k = the number of distinct employees on worked (resp. planned) time in the
case, an open planned shift counting as one more person; the concurrent hours are
∫ max(0, k − 1) dt. Computed with a sweep over start/end events per case and period.

Where the spec is silent:

* A break has no place in time in the data, so coverage uses each interval's full span.
* Two overlapping rows of the same employee in one case count as one person (their union).
* Worked time counts up to D 24:00 (all types: two people on call at once are also two
  people); planned time is the ``assistance`` shifts in the whole period.
"""

from __future__ import annotations

import polars as pl

from timbalans.figures.frames import Frames
from timbalans.figures.hour_balance import (
    PERIOD_KEY,
    case_periods,
    planned_period_pieces,
    worked_period_pieces,
)
from timbalans.figures.registry import FigureRequest

COLUMNS = (
    "case_id",
    "period_start",
    "period_end",
    "worked_concurrent_hours",
    "planned_concurrent_hours",
    "granted_double_hours",
    "excess_worked_hours",
    "excess_planned_hours",
)
_US_PER_HOUR = 3_600_000_000


def concurrent_hours(pieces: pl.DataFrame, person: str, name: str) -> pl.DataFrame:
    """∫ max(0, k − 1) dt per case and period, k = distinct persons at each instant.

    Two sweeps over start (+1) and end (−1) events, with no window functions: first per
    (period, person), where a running count that rises from 0 is the person arriving and one
    that falls to 0 is the person leaving (so a person's own overlapping rows count once);
    then per period over those arrivals and departures, where the running count is k and each
    event's time to the next event in the period is weighted by max(0, k − 1). A running sum
    over all groups at once restarts at 0 in each group, since every group's events sum to 0.
    Each sweep sorts its events by group, then time: by one integer (:func:`_sort_keys`).
    """
    if pieces.height == 0:
        return pl.DataFrame(
            schema={"case_id": pl.String, "period_start": pl.Date, name: pl.Float64}
        )
    if "period_row" in pieces.columns:  # the period's number, from ``period_pieces``
        groups = pieces.select(pl.col("period_row").cast(pl.Int64).alias("_g"), *PERIOD_KEY)
        groups = groups.unique("_g")
        frame = pieces.select(
            pl.col("period_row").cast(pl.Int64).alias("_g"), person, "start", "end"
        )
    else:
        groups = pieces.select(PERIOD_KEY).unique().with_row_index("_g")
        groups = groups.with_columns(pl.col("_g").cast(pl.Int64))
        frame = pieces.join(groups, on=PERIOD_KEY).select("_g", person, "start", "end")
    code = pl.col(person).cast(pl.Categorical).to_physical().cast(pl.Int64)
    frame = frame.select(
        "_g",
        code.alias("_p"),
        pl.col("start").dt.epoch("us").alias("_s"),
        pl.col("end").dt.epoch("us").alias("_e"),
    )
    persons = int(frame["_p"].max()) + 1  # type: ignore[arg-type]
    # One integer per (period, person): the first sweep's group.
    lf = frame.lazy().select((pl.col("_g") * persons + pl.col("_p")).alias("_gp"), "_s", "_e")
    events = pl.concat(
        [
            lf.select("_gp", pl.col("_s").alias("t"), pl.lit(1, pl.Int32).alias("d")),
            lf.select("_gp", pl.col("_e").alias("t"), pl.lit(-1, pl.Int32).alias("d")),
        ]
    )
    by_person, by_period = _sort_keys(frame, persons)
    # Events of one instant may come in any order: a departure and an arrival at the same
    # instant only make a gap of length 0.
    presence = (
        events.with_columns((pl.col("_gp") // persons).alias("_g"))
        .sort(by_person)
        .with_columns(pl.col("d").cum_sum().alias("_c"))
        .filter(
            ((pl.col("d") == 1) & (pl.col("_c") == 1)) | ((pl.col("d") == -1) & (pl.col("_c") == 0))
        )
        .select("_g", "t", "d")
    )
    same_group = pl.col("_g") == pl.col("_g").shift(-1)
    return (
        presence.sort(by_period)
        .with_columns(
            pl.col("d").cum_sum().alias("_k"),
            pl.when(same_group).then(pl.col("t").shift(-1) - pl.col("t")).otherwise(0).alias("_us"),
        )
        .group_by("_g")
        .agg(
            ((pl.col("_k") - 1).clip(lower_bound=0) * pl.col("_us"))
            .sum()
            .truediv(_US_PER_HOUR)
            .alias(name)
        )
        .join(groups.lazy(), on="_g")
        .select(*PERIOD_KEY, name)
        .collect()
    )


def _sort_keys(frame: pl.DataFrame, persons: int) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The sort keys of the two sweeps of :func:`concurrent_hours`: (period, person, time)
    and (period, time) of events with ``_gp``, ``_g`` and ``t`` (microseconds since 1970).

    One integer each when the group and the time fit in 62 bits together: the group in the
    high bits, the time since the first event in the low ones, in seconds when every time is
    a whole second (always, for times read from canonical data) and else in microseconds.
    Sorting by one integer is three times as fast as by two columns. Otherwise the two
    columns.
    """
    t0 = int(frame["_s"].min())  # type: ignore[arg-type]
    span = int(frame["_e"].max()) - t0  # type: ignore[arg-type]
    whole = not frame.select(
        ((pl.col("_s") % 1_000_000 != 0) | (pl.col("_e") % 1_000_000 != 0)).any()
    ).item()
    unit = 1_000_000 if whole else 1
    bits = (span // unit).bit_length()
    groups = (int(frame["_g"].max()) + 1) * persons  # type: ignore[arg-type]
    if groups.bit_length() + bits > 62:
        return [pl.col("_gp"), pl.col("t")], [pl.col("_g"), pl.col("t")]
    since = (pl.col("t") - t0) // unit
    return [pl.col("_gp") * 2**bits + since], [pl.col("_g") * 2**bits + since]


def excess_worked_hours(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The worked half of :func:`coverage` alone (savings needs no more): ``case_id``,
    ``period_start``, ``excess_worked_hours``, the same values and order as in coverage."""
    periods = case_periods(frames, req)
    worked = worked_period_pieces(frames, req)
    return (
        periods.join(
            concurrent_hours(worked, "employee_id", "worked_concurrent_hours"),
            on=PERIOD_KEY,
            how="left",
        )
        .with_columns(pl.col("worked_concurrent_hours").fill_null(0.0))
        .select(
            "case_id",
            "period_start",
            (pl.col("worked_concurrent_hours") - pl.col("granted_double_hours"))
            .clip(lower_bound=0)
            .alias("excess_worked_hours"),
        )
        .sort("case_id", "period_start")
    )


def coverage(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    periods = case_periods(frames, req)
    worked = worked_period_pieces(frames, req)
    # An open shift is one more person: give it an identity of its own.
    planned = planned_period_pieces(frames, req).with_columns(
        pl.coalesce(
            pl.col("employee_id"), pl.lit("open:") + pl.col("shift_row").cast(pl.String)
        ).alias("_person")
    )

    table = (
        periods.join(
            concurrent_hours(worked, "employee_id", "worked_concurrent_hours"),
            on=PERIOD_KEY,
            how="left",
        )
        .join(
            concurrent_hours(planned, "_person", "planned_concurrent_hours"),
            on=PERIOD_KEY,
            how="left",
        )
        .with_columns(pl.col("worked_concurrent_hours", "planned_concurrent_hours").fill_null(0.0))
        .with_columns(
            (pl.col("worked_concurrent_hours") - pl.col("granted_double_hours"))
            .clip(lower_bound=0)
            .alias("excess_worked_hours"),
            (pl.col("planned_concurrent_hours") - pl.col("granted_double_hours"))
            .clip(lower_bound=0)
            .alias("excess_planned_hours"),
        )
    )
    return table.select(COLUMNS).sort("case_id", "period_start")
