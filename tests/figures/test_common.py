"""Helpers of figures/common.py on their own."""

from __future__ import annotations

from datetime import date

import polars as pl

from timbalans.figures.common import month_labels, taken_up_to


def test_month_labels_per_row_with_nulls_and_order_kept():
    dates = pl.Series(
        "date",
        [date(2026, 3, 31), None, date(2025, 12, 1), date(2026, 3, 1), date(2025, 12, 1)],
        pl.Date,
    )
    assert month_labels(dates).to_list() == ["2026-03", None, "2025-12", "2026-03", "2025-12"]
    assert month_labels(dates.clear()).to_list() == []


def test_taken_up_to_fills_the_cap_in_row_order_per_group():
    frame = pl.DataFrame(
        {
            "g": ["a", "a", "a", "b", "b"],
            "amount": [3.0, 4.0, 5.0, 2.0, 1.0],
            "cap": [6.0, 6.0, 6.0, 10.0, 10.0],
        }
    )
    taken = frame.select(taken_up_to("amount", "cap", over=["g"]).alias("t"))["t"]
    # a: 3 fits, 4 gets the 3 left, 5 gets nothing; b: both fit under 10.
    assert taken.to_list() == [3.0, 3.0, 0.0, 2.0, 1.0]


def test_taken_up_to_gives_an_uncapped_row_exactly_its_amount_and_null_cap_is_no_cap():
    frame = pl.DataFrame(
        {"g": [1, 1, 2], "amount": [0.1, 0.2, 7.5], "cap": [1.0, 1.0, None]},
        schema_overrides={"cap": pl.Float64},
    )
    taken = frame.select(taken_up_to("amount", "cap", over=["g"]).alias("t"))["t"]
    assert taken.to_list() == [0.1, 0.2, 7.5]
