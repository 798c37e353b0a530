"""case-economics: the salaries of the monthly-paid and the idle paid time on the unit's row."""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.rates import RateSet
from timbalans.figures.case_economics.base import (
    FAR_FUTURE,
    IDLE,
    PAID_ABSENCE,
    SUM_SCHEMA,
    UNALLOCATED,
    WORK,
    Window,
)
from timbalans.figures.common import (
    month_first_last,
    taken_up_to,
)
from timbalans.figures.frames import Frames
from timbalans.figures.staff import absence_day_hours, employment_on
from timbalans.ingest.schema import MONTHLY_FORMS


def _fee_segments(
    rates: RateSet, months: list[str], first: dt.date, last_fact: dt.date
) -> pl.DataFrame:
    """Each month cut at the dates the social fee rate changes: ``month``, ``seg_first``,
    ``seg_last`` (inclusive, up to D), ``month_days``, ``fee``."""
    changes = [r.valid_from for r in rates.history("social_fee_rate")]
    rows = []
    for month in months:
        m_first, m_last = month_first_last(month)
        lo, hi = max(m_first, first), min(m_last, last_fact)
        if hi < lo:
            continue
        cuts = sorted({lo, *[c for c in changes if lo < c <= hi]})
        for i, c in enumerate(cuts):
            seg_last = cuts[i + 1] - dt.timedelta(days=1) if i + 1 < len(cuts) else hi
            rows.append(
                {
                    "month": month,
                    "seg_first": c,
                    "seg_last": seg_last,
                    "month_days": (m_last - m_first).days + 1,
                    "fee": rates.value("social_fee_rate", c),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "month": pl.String,
            "seg_first": pl.Date,
            "seg_last": pl.Date,
            "month_days": pl.Int64,
            "fee": pl.Float64,
        },
    )


def salary_parts(
    frames: Frames, pieces: pl.DataFrame, window: Window, rates: RateSet
) -> pl.DataFrame:
    """The paid absence and the idle paid time of the monthly-paid on their home unit, and
    their social fees.

    :data:`SUM_SCHEMA` with ``case_id`` "", ``kind`` ``paid_absence`` (the salary for hours of
    the rate set's paid absence types, e.g. vacation) or ``idle`` (the rest of the salary after
    unpaid absence, paid absence and the hours charged to cases). ``pieces`` carry ``__fee`` (as in
    :func:`worked_cost_parts`). The fee is the fee on salary − the fee on deductions − the
    fee on what was charged, so that with the fees on the charged wages every krona of fees
    lands once.
    """
    if window.last_fact < window.first:
        return pl.DataFrame(schema=SUM_SCHEMA)
    home = frames.employees.select("employee_id", pl.col("unit_id").alias("home_unit"))
    segs = _fee_segments(rates, window.months, window.first, window.last_fact)
    e = frames.employments.filter(pl.col("form").is_in(list(MONTHLY_FORMS))).select(
        "employee_id",
        "valid_from",
        pl.col("valid_to").fill_null(FAR_FUTURE),
        (
            pl.col("monthly_salary").fill_null(0.0) * pl.col("employment_rate").fill_null(0.0) / 100
        ).alias("pay"),
        (pl.col("status").fill_null("ordinary") != "ordinary").alias("structural"),
    )
    days = (
        pl.min_horizontal("seg_last", "valid_to") - pl.max_horizontal("seg_first", "valid_from")
    ).dt.total_days() + 1
    salary = (
        e.join(segs, how="cross")
        .with_columns(days.alias("days"))
        .filter(pl.col("days") > 0)
        .with_columns((pl.col("pay") * pl.col("days") / pl.col("month_days")).alias("amount"))
        .select(
            "employee_id", "month", pl.col("seg_first").alias("date"), "structural", "amount", "fee"
        )
    )
    # Absence hours by capacity's rule × cost basis that day: unpaid absence is salary not
    # paid; paid absence (vacation, ...) is salary paid for no work, apart from idle time.
    absent = absence_day_hours(frames, window.first, window.last_fact)
    absent = employment_on(
        frames,
        absent.select(
            "employee_id",
            "date",
            "month",
            "hours",
            pl.col("type").is_in(list(rates.paid_absence)).alias("paid_absence"),
        ),
    )
    absent = rates.join(
        absent.filter(pl.col("form_class") == "monthly"), {"fee": "social_fee_rate"}
    ).select(
        "employee_id",
        "month",
        "date",
        "structural",
        (-pl.col("hours") * pl.col("cost_basis")).fill_null(0.0).alias("amount"),
        "fee",
        "paid_absence",
    )
    charged = pieces.filter(pl.col("category") == "ordinary").select(
        "employee_id",
        "month",
        "date",
        "structural",
        (-pl.col("cost_basis") * pl.col("hours")).fill_null(0.0).alias("amount"),
        pl.col("__fee").alias("fee"),
    )
    # Absence never takes more than the month's salary of that status.
    per = ["employee_id", "month", "structural"]
    paid = salary.group_by(per).agg(pl.col("amount").sum().alias("paid"))
    absent = (
        absent.join(paid, on=per, how="left")
        .with_columns(pl.col("paid").fill_null(0.0))
        .sort([*per, "date"])
        # Absence amounts are negative: the absent hours take from the salary paid.
        .with_columns((-taken_up_to(-pl.col("amount"), "paid", over=per)).alias("amount"))
        .select(*salary.columns, "paid_absence")
    )
    # Paid absence moves its salary from idle to its own kind; the total salary is unchanged.
    paid_absent = absent.filter(pl.col("paid_absence")).select(
        *salary.columns[:-2], -pl.col("amount"), "fee", pl.lit(PAID_ABSENCE).alias("kind")
    )
    moves = pl.concat(
        [
            frame.with_columns(pl.lit(IDLE).alias("kind"))
            for frame in (salary, absent.drop("paid_absence"), charged)
        ]
        + [paid_absent]
    )
    moves = moves.join(home, on="employee_id", how="inner")
    moves = moves.filter(pl.col("home_unit").is_in(frames.units["unit_id"].implode()))
    return summed_parts(
        moves.select(
            pl.lit(UNALLOCATED).alias("case_id"),
            pl.col("home_unit").alias("unit_id"),
            "month",
            pl.when(pl.col("structural"))
            .then(pl.lit("training_reassignment"))
            .otherwise(pl.lit("salary_monthly"))
            .alias("column"),
            "structural",
            "kind",
            "amount",
            pl.col("fee").alias("__fee"),
        )
    )


def summed_parts(parts: pl.DataFrame) -> pl.DataFrame:
    """Parts with ``__fee`` (the fee rate of each amount's date) summed into
    :data:`SUM_SCHEMA`: per case, unit, month, column, structural and kind (``work`` when
    the parts have none)."""
    if "kind" not in parts.columns:
        parts = parts.with_columns(pl.lit(WORK).alias("kind"))
    return (
        parts.group_by("case_id", "unit_id", "month", "column", "structural", "kind")
        .agg(
            pl.col("amount").sum(),
            (pl.col("amount") * pl.col("__fee")).sum().alias("fee_amount"),
        )
        .select(list(SUM_SCHEMA))
        .cast(SUM_SCHEMA)  # type: ignore[arg-type]
    )
