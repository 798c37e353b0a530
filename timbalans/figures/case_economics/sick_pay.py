"""case-economics: sick pay on the case of the lost shift."""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import local_midnight
from timbalans.core.ob import ob_split
from timbalans.core.rates import RateSet
from timbalans.core.spells import sick_days
from timbalans.figures.case_economics.base import (
    HOURLY_DEDUCTION_WEEK_DAYS,
    PART_SCHEMA,
    SICK_PAY_DAYS,
    Window,
    case_units,
)
from timbalans.figures.frames import Frames
from timbalans.figures.staff import employment_on, interval_pairs


def sick_pay_parts(frames: Frames, window: Window, rates: RateSet, as_of: dt.date) -> pl.DataFrame:
    """Sick pay (before fees) for lost planned hours on days 1–14, on the lost shift's case."""
    empty = pl.DataFrame(schema=PART_SCHEMA)
    if window.last_fact < window.first:
        return empty
    from timbalans.figures.absence import spells_up_to

    days = sick_days(spells_up_to(frames, as_of)).filter(pl.col("day_number") <= SICK_PAY_DAYS)
    if days.height == 0:
        return empty
    sick = (
        frames.absences.filter(
            (pl.col("type") == "sick")
            & (pl.col("start") < local_midnight(pl.lit(as_of + dt.timedelta(days=1), pl.Date)))
        )
        .with_row_index("absence_row")
        .filter(pl.col("end") > pl.col("start"))
    )
    shifts = frames.shifts.filter(
        (pl.col("kind") == "assistance") & pl.col("employee_id").is_not_null()
    ).with_row_index("shift_row")
    pairs = interval_pairs(
        sick, shifts, on=["employee_id"], left_id="absence_row", right_id="shift_row"
    )
    if pairs.height == 0:
        return empty
    d_end = local_midnight(pl.lit(as_of + dt.timedelta(days=1), pl.Date))
    whole = (pl.col("s_end") - pl.col("s_start")).dt.total_microseconds().cast(pl.Float64)
    lost = (
        pairs.join(
            shifts.select(
                "shift_row",
                "case_id",
                pl.col("start").alias("s_start"),
                pl.col("end").alias("s_end"),
                pl.col("break_minutes").cast(pl.Float64).fill_null(0.0),
            ),
            on="shift_row",
        )
        .join(
            sick.select("absence_row", "employee_id", pl.col("extent_percent").fill_null(100.0)),
            on="absence_row",
        )
        .with_columns(
            pl.col("ov_start").alias("start"),
            pl.min_horizontal(pl.col("ov_end"), d_end).alias("end"),
        )
        .filter(pl.col("end") > pl.col("start"))
        .with_columns(
            (
                pl.col("break_minutes")
                * (pl.col("end") - pl.col("start")).dt.total_microseconds().cast(pl.Float64)
                / whole
            ).alias("break_minutes")
        )
        .select("employee_id", "case_id", "start", "end", "break_minutes", "extent_percent")
    )
    pieces = ob_split(lost, rates.ob_windows)  # cut at midnight (and OB edges): one date each
    pieces = (
        pieces.join(
            days.select("employee_id", "date", "sick_period_no", "day_number"),
            on=["employee_id", "date"],
            how="inner",
        )
        .with_columns((pl.col("hours") * pl.col("extent_percent") / 100).alias("hours"))
        .filter(pl.col("date") <= pl.lit(as_of, pl.Date))
    )
    pieces = employment_on(frames, pieces)
    pieces = rates.join(
        pieces,
        {
            "__share": "sick_pay_share",
            "__hp": "holiday_pay_rate",
            "__pct": "qualifying_deduction_pct_of_week",
        },
    )
    basis = (
        pl.when(pl.col("form_class") == "monthly")
        .then(pl.col("cost_basis"))
        .otherwise(pl.col("hourly_wage") * (1 + pl.col("__hp")))
    )
    period = ["employee_id", "sick_period_no"]
    pieces = pieces.with_columns(
        (pl.col("__share") * basis * pl.col("hours")).fill_null(0.0).alias("pay")
    )
    first_day = (
        pieces.sort([*period, "date", "start"])
        .group_by(period)
        .agg(
            pl.col("date").first().alias("first_date"),
            pl.col("form_class").first(),
            pl.col("cost_basis").first(),
            pl.col("employment_rate").first(),
            pl.col("full_time_hours_per_week").first(),
            pl.col("__share").first(),
            pl.col("__pct").first(),
            pl.col("pay")
            .filter(pl.col("day_number") <= HOURLY_DEDUCTION_WEEK_DAYS)
            .sum()
            .alias("week_pay"),
        )
        .select(
            *period,
            (
                pl.col("__pct")
                / 100
                * pl.when(pl.col("form_class") == "monthly")
                .then(
                    pl.col("__share")
                    * pl.col("cost_basis")
                    * pl.col("employment_rate")
                    / 100
                    * pl.col("full_time_hours_per_week")
                )
                .otherwise(pl.col("week_pay"))
            )
            .fill_null(0.0)
            .alias("deduction"),
        )
    )
    net = (
        pieces.join(first_day, on=period, how="left")
        .sort([*period, "date", "start"])
        .with_columns(
            pl.min_horizontal(pl.col("pay").cum_sum().over(period), pl.col("deduction")).alias(
                "__taken"
            )
        )
        .with_columns(
            (
                pl.col("pay")
                - (pl.col("__taken") - pl.col("__taken").shift(1).over(period).fill_null(0.0))
            ).alias("amount")
        )
        .filter(
            (pl.col("date") >= pl.lit(window.first, pl.Date))
            & (pl.col("date") <= pl.lit(window.last_fact, pl.Date))
        )
        .join(case_units(frames), on="case_id", how="inner")
    )
    return net.select(
        "case_id",
        "unit_id",
        pl.col("date").dt.strftime("%Y-%m").alias("month"),
        "date",
        pl.lit("sick_pay").alias("column"),
        "amount",
        pl.col("structural").fill_null(False),
    ).cast(PART_SCHEMA)  # type: ignore[arg-type]
