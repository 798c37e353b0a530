"""case-economics: the table, from its computed parts, the ledger and the revenue."""

from __future__ import annotations

import json

import polars as pl

from timbalans.core.periods import (
    granted_hours_by_month,
)
from timbalans.figures.case_economics.base import (
    COLUMNS,
    COMPUTED,
    COST_CATEGORIES,
    COST_COLUMNS,
    IDLE,
    KEY,
    LEDGER,
    OB_TIME_TYPES,
    PAID_ABSENCE,
    ROW_KEY,
    UNALLOCATED,
    Window,
    case_units,
    share_of,
)
from timbalans.figures.case_economics.ledger import ledger_by_row
from timbalans.figures.case_economics.revenue import pieces_from, revenue_by_month, revenue_periods
from timbalans.figures.case_economics.salaries import salary_parts, summed_parts
from timbalans.figures.case_economics.sick_pay import sick_pay_parts
from timbalans.figures.case_economics.worked import worked_cost_parts, worked_ob_pieces
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest


def computed_parts(
    frames: Frames, req: FigureRequest, window: Window, pieces: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(every computed cost part with its fees, the worked pieces) for the window.

    The parts are :data:`SUM_SCHEMA`: summed per case (the unit rows: ""), month, column and
    structural, each with ``fee_amount``, the social fees on it (every amount × the social
    fee rate of its own date before the sum). The fees belong to ``social_fees`` and, like
    the part, to the structural cost when it is structural (:func:`_case_economics`).

    ``pieces``: :func:`worked_ob_pieces` from ``window.first`` or earlier (only the window's
    days are used); computed when not given.
    """
    rates = req.settings.rates
    if pieces is None:
        pieces = worked_ob_pieces(frames, req.settings, window.first, window.last_fact)
    pieces = rates.join(
        pieces.filter(pl.col("date") >= pl.lit(window.first, pl.Date)), {"__fee": "social_fee_rate"}
    )
    wages = worked_cost_parts(frames, pieces, rates)
    sick = summed_parts(
        rates.join(sick_pay_parts(frames, window, rates, req.as_of), {"__fee": "social_fee_rate"})
    )
    idle = salary_parts(frames, pieces, window, rates)
    return pl.concat([wages, sick, idle]), pieces


def _drivers(pieces: pl.DataFrame) -> pl.DataFrame:
    ob_cat = pl.col("ob_category") != "none"
    eligible = pl.col("time_type").is_in(list(OB_TIME_TYPES))
    return pieces.group_by(KEY).agg(
        pl.col("counted_hours").sum().alias("worked_hours"),
        pl.col("counted_hours").filter(pl.col("category") == "hourly").sum().alias("__hourly"),
        pl.col("hours").filter(pl.col("category") == "overtime").sum().alias("__overtime"),
        pl.col("hours").filter(ob_cat & eligible).sum().alias("__ob"),
        pl.col("employee_id").n_unique().cast(pl.Int64).alias("distinct_staff"),
    )


def _request_key(req: FigureRequest) -> tuple[object, ...]:
    """Everything a result depends on besides the frames (for ``Frames.derived``)."""
    settings = json.dumps(req.settings.describe(), sort_keys=True, default=str)
    return (req.as_of, req.date_from, req.date_to, settings, req.settings.rates)


def case_economics(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The table (see the module docstring); remembered per frames and request, since savings
    and the pages ask for the same months again."""
    return frames.derived(
        ("case-economics", *_request_key(req)), lambda: _case_economics(frames, req)
    )


def _case_economics(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    window = Window.of(req)
    periods = revenue_periods(frames, window)
    every = worked_ob_pieces(frames, req.settings, pieces_from(window, periods), window.last_fact)
    parts, pieces = computed_parts(frames, req, window, every)
    fee = pl.col("fee_amount")  # the social fees on a part
    computed = (
        parts.lazy()  # lazy: only the columns the sums read are filtered
        .filter(pl.col("month").is_in(window.months))
        .group_by(ROW_KEY)
        .agg(
            *[
                (
                    pl.col("amount").filter(pl.col("column") == c).sum()
                    + (fee.sum() if c == "social_fees" else 0.0)
                ).alias(f"cmp_cost_{c}")
                for c in COST_CATEGORIES
            ],
            (pl.col("amount") + fee).filter(pl.col("structural")).sum().alias("cmp_structural"),
            (pl.col("amount") + fee)
            .filter(pl.col("kind") == PAID_ABSENCE)
            .sum()
            .alias("paid_absence_cost"),
            (pl.col("amount") + fee).filter(pl.col("kind") == IDLE).sum().alias("idle_cost"),
        )
        .collect()
    )
    ledger = ledger_by_row(frames, window)
    revenue = revenue_by_month(frames, req, window, periods=periods, pieces=every)
    drivers = _drivers(pieces)

    months = pl.DataFrame({"month": window.months}, schema={"month": pl.String})
    granted = (
        granted_hours_by_month(frames.decisions, horizon=window.last).select(KEY)
        if frames.decisions.height
        else None
    )
    case_keys = [
        computed.filter(pl.col("case_id") != UNALLOCATED).select(ROW_KEY),
        ledger.filter(pl.col("case_id") != UNALLOCATED).select(ROW_KEY),
        revenue.select(KEY).join(case_units(frames), on="case_id").select(ROW_KEY),
        drivers.select(KEY).join(case_units(frames), on="case_id").select(ROW_KEY),
    ]
    if granted is not None:
        case_keys.append(
            granted.join(months, on="month").join(case_units(frames), on="case_id").select(ROW_KEY)
        )
    unit_keys = frames.units.select(pl.lit(UNALLOCATED).alias("case_id"), "unit_id").join(
        months, how="cross"
    )
    keys = pl.concat([*case_keys, unit_keys.select(ROW_KEY)]).unique()
    table = (
        keys.join(computed, on=ROW_KEY, how="left")
        .join(ledger.with_columns(pl.lit(True).alias("__in_ledger")), on=ROW_KEY, how="left")
        .join(revenue, on=KEY, how="left")
        .join(drivers, on=KEY, how="left")
    )
    fill = [c for c in table.columns if c.startswith(("cmp_", "led_"))] + [
        "computed_revenue",
        "paid_absence_cost",
        "idle_cost",
        "unpaid_hours",
        "worked_hours",
        "__hourly",
        "__overtime",
        "__ob",
    ]
    is_ledger = pl.col("__in_ledger").fill_null(False)
    table = table.with_columns(
        pl.col(fill).fill_null(0.0), pl.col("distinct_staff").fill_null(0)
    ).with_columns(
        pl.when(is_ledger).then(pl.lit(LEDGER)).otherwise(pl.lit(COMPUTED)).alias("source"),
        pl.when(is_ledger)
        .then(pl.col("led_revenue"))
        .otherwise(pl.col("computed_revenue"))
        .alias("revenue"),
        *[
            pl.when(is_ledger)
            .then(pl.col(f"led_cost_{c}"))
            .otherwise(pl.col(f"cmp_cost_{c}"))
            .alias(f"cost_{c}")
            for c in COST_CATEGORIES
        ],
        pl.when(is_ledger)
        .then(pl.col("led_structural"))
        .otherwise(pl.col("cmp_structural"))
        .alias("structural_cost"),
        pl.sum_horizontal([f"cmp_cost_{c}" for c in COST_CATEGORIES]).alias("computed_cost_total"),
    )
    table = (
        table.with_columns(pl.sum_horizontal(list(COST_COLUMNS)).alias("cost_total"))
        .with_columns((pl.col("revenue") - pl.col("cost_total")).alias("result"))
        .with_columns(
            (pl.col("result") + pl.col("structural_cost")).alias("result_influenceable"),
            share_of("cost_total").alias("cost_per_hour"),
            share_of("revenue").alias("revenue_per_hour"),
            share_of("__hourly").alias("hourly_staff_share"),
            share_of("__overtime").alias("overtime_share"),
            share_of("__ob").alias("ob_share"),
        )
    )
    return table.select(COLUMNS).sort("unit_id", "case_id", "month")
