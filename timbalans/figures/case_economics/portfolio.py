"""case-economics: per-case results and the portfolio at a glance."""

from __future__ import annotations

import polars as pl

from timbalans.figures.case_economics.base import (
    UNALLOCATED,
    share_of,
)


def case_results(table: pl.DataFrame, coverage: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per case over the table's months: result, cost drivers (hour-weighted), sorted worst first.

    ``case_id``, ``unit_id``, ``revenue``, ``cost_total``, ``structural_cost``, ``result``,
    ``result_influenceable``, ``worked_hours``, ``cost_per_hour``, ``revenue_per_hour``,
    ``hourly_staff_share``, ``overtime_share``, ``ob_share``, ``unpaid_hours``, and with a
    ``coverage`` table (the coverage figure for the same dates) ``excess_worked_hours``, its
    sum per case. Unit rows (unallocated) are left out.
    """
    out = _case_results(table)
    if coverage is None:
        return out
    excess = coverage.group_by("case_id").agg(pl.col("excess_worked_hours").sum())
    return out.join(excess, on="case_id", how="left", maintain_order="left").with_columns(
        pl.col("excess_worked_hours").fill_null(0.0)
    )


def _case_results(table: pl.DataFrame) -> pl.DataFrame:
    cases = table.filter(pl.col("case_id") != UNALLOCATED)
    weighted = [
        (pl.col(c) * pl.col("worked_hours")).sum().alias(c)
        for c in ("hourly_staff_share", "overtime_share", "ob_share")
    ]
    return (
        cases.with_columns(
            pl.col("hourly_staff_share", "overtime_share", "ob_share").fill_null(0.0)
        )
        .group_by("case_id", "unit_id")
        .agg(
            pl.col(
                "revenue", "cost_total", "structural_cost", "result", "result_influenceable"
            ).sum(),
            pl.col("worked_hours").sum(),
            pl.col("unpaid_hours").sum(),
            *weighted,
        )
        .with_columns(
            share_of("cost_total").alias("cost_per_hour"),
            share_of("revenue").alias("revenue_per_hour"),
            *[share_of(c).alias(c) for c in ("hourly_staff_share", "overtime_share", "ob_share")],
        )
        .sort("result", "case_id")
    )


def portfolio_summary(table: pl.DataFrame) -> dict[str, float | int]:
    """The portfolio at a glance: how many cases run a deficit and how it is spread.

    ``cases``, ``cases_in_deficit``, ``deficit_total`` (Σ of the negative results, as a positive
    number), ``deficit_top4_share_pct`` (share of the deficit in the four largest),
    ``deficit_median`` (median deficit of the cases in deficit), ``result_total`` (all rows,
    unit rows included), ``structural_cost``.
    """
    per_case = case_results(table)
    deficits = -per_case.filter(pl.col("result") < 0)["result"]
    total = float(deficits.sum())
    top4 = float(deficits.sort(descending=True).head(4).sum())
    median = deficits.median()
    return {
        "cases": per_case.height,
        "cases_in_deficit": deficits.len(),
        "deficit_total": total,
        "deficit_top4_share_pct": 100 * top4 / total if total else 0.0,
        "deficit_median": float(median) if isinstance(median, int | float) else 0.0,
        "result_total": float(table["result"].sum()),
        "structural_cost": float(table["structural_cost"].sum()),
    }
