"""case-economics: the ledger's sums per row."""

from __future__ import annotations

import polars as pl

from timbalans.figures.case_economics.base import (
    COST_CATEGORIES,
    ROW_KEY,
    UNALLOCATED,
    Window,
    case_units,
)
from timbalans.figures.frames import Frames
from timbalans.ingest.accounts import account_categories
from timbalans.ingest.schema import REVENUE_CATEGORIES


def ledger_by_row(frames: Frames, window: Window) -> pl.DataFrame:
    """Ledger sums per row: ``case_id`` ("" for the unit's own rows), ``unit_id``, ``month``,
    ``led_revenue``, ``led_cost_<category>``, ``led_structural``."""
    ledger = frames.ledger.filter(pl.col("month").is_in(window.months))
    mapping = account_categories(ledger["account"], frames.accounts)
    units = frames.units.group_by("cost_center").agg(pl.col("unit_id").min())
    rows = (
        ledger.join(mapping, on="account", how="left")
        .join(case_units(frames).rename({"unit_id": "case_unit"}), on="case_id", how="left")
        .join(units, on="cost_center", how="left")
        .with_columns(
            pl.col("case_id").fill_null(UNALLOCATED),
            pl.when(pl.col("case_id").is_null())
            .then(pl.col("unit_id"))
            .otherwise(pl.col("case_unit"))
            .alias("unit_id"),
        )
        .filter(pl.col("unit_id").is_not_null())
    )
    cat, amount = pl.col("category"), pl.col("amount")
    revenue = cat.is_in(list(REVENUE_CATEGORIES))
    return rows.group_by(ROW_KEY).agg(
        (-amount.filter(revenue)).sum().alias("led_revenue"),
        *[amount.filter(cat == c).sum().alias(f"led_cost_{c}") for c in COST_CATEGORIES],
        amount.filter(pl.col("structural").fill_null(False) & ~revenue)
        .sum()
        .alias("led_structural"),
    )
