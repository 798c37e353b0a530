"""Helpers of figures/common.py on their own."""

from __future__ import annotations

from datetime import date

import polars as pl

from timbalans.figures.common import month_labels


def test_month_labels_per_row_with_nulls_and_order_kept():
    dates = pl.Series(
        "date",
        [date(2026, 3, 31), None, date(2025, 12, 1), date(2026, 3, 1), date(2025, 12, 1)],
        pl.Date,
    )
    assert month_labels(dates).to_list() == ["2026-03", None, "2025-12", "2026-03", "2025-12"]
    assert month_labels(dates.clear()).to_list() == []
