"""fk-check (tidredovisning mot utfört): one row per case and month with a report, or a due one.

spec/figures.md "fk-check". The hours a department reported to the payer for a month
(``fk_reports``) against the hours worked and granted that month:

* rows: every visible case × month of [from, to] that has a time report, granted hours (a
  decision valid on a day of the month) or counted worked time up to D, so a month for which a
  report is due is listed even when none came;
* worked_hours = counted worked hours of the month up to D 24:00 (on call × 1/4, standby ×
  1/7, as in hour-balance); granted_hours = Σ hours_per_week × days valid in the month / 7;
* reported_minus_worked = reported − worked; reported_over_granted = max(0, reported −
  granted); both empty without a report;
* amount_at_risk = reported_minus_worked × rate when positive (hours reported that were not
  worked: a repayment risk), else 0; unclaimed_amount = −reported_minus_worked × rate when
  negative (worked hours not reported: revenue left unclaimed), as a positive amount, else 0;
  both empty without a report;
* rate = the hourly rate of the case's decision in force on the month's last day of validity
  (the latest ``valid_from`` on or before the month's end among decisions valid in the month):
  its ``hourly_rate`` (for FK at most the standard rate + ``raised_rate_cap_pct``), else the
  standard hourly rate (FK) or the municipality's internal rate (KOMMUN) valid on that day;
  the same rule as case-economics' computed revenue;
* due_date = the 5th of the second month after the month; missing = no report and D after
  the due date.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.periods import granted_hours_by_month, normalize_decisions
from timbalans.core.rates import RateSet
from timbalans.figures.common import (
    counting_factor,
    month_first_last,
    months_between,
    with_paid_rate,
)
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import worked_categories

COLUMNS = (
    "case_id",
    "unit_id",
    "month",
    "reported_hours",
    "worked_hours",
    "granted_hours",
    "reported_minus_worked",
    "reported_over_granted",
    "amount_at_risk",
    "unclaimed_amount",
    "due_date",
    "missing",
)
# Amounts in kronor (what the roles without economics do not see).
AMOUNT_COLUMNS = ("amount_at_risk", "unclaimed_amount")
KEY = ["case_id", "month"]
DUE_DAY = 5  # tidredovisningen: by the 5th of the second month after the month


def due_date(month: str) -> dt.date:
    """The 5th of the second month after ``month`` (``YYYY-MM``): 2026-01 → 2026-03-05."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + 2
    return dt.date(index // 12, index % 12 + 1, DUE_DAY)


def decision_rate(
    frame: pl.DataFrame, decisions: pl.DataFrame, rates: RateSet, *, horizon: dt.date
) -> pl.DataFrame:
    """``frame`` (``case_id``, ``date``) with ``rate``: the hourly rate paid for an hour of
    the case on ``date`` by the decision in force then (latest ``valid_from`` on or before)."""
    d = normalize_decisions(decisions, horizon=horizon).select(
        "case_id", "valid_from", "payer", "hourly_rate"
    )
    priced = with_paid_rate(
        rates,
        frame.sort("date").join_asof(
            d.sort("valid_from"),
            left_on="date",
            right_on="valid_from",
            by="case_id",
            strategy="backward",
            check_sortedness=False,
        ),
        alias="rate",
    )
    return priced.drop("valid_from", "payer", "hourly_rate")


def _month_bounds(months: list[str]) -> pl.DataFrame:
    """``month``, ``first``, ``last`` and ``due_date`` of each month."""
    return pl.DataFrame(
        {
            "month": months,
            "first": [month_first_last(m)[0] for m in months],
            "last": [month_first_last(m)[1] for m in months],
            "due_date": [due_date(m) for m in months],
        },
        schema={"month": pl.String, "first": pl.Date, "last": pl.Date, "due_date": pl.Date},
    )


def _rate_days(frames: Frames, bounds: pl.DataFrame, horizon: dt.date) -> pl.DataFrame:
    """Per case and month the day its rate is read on: the last day of the month on which a
    decision of the case is valid."""
    d = normalize_decisions(frames.decisions, horizon=horizon).select(
        "case_id", "valid_from", "valid_to"
    )
    return (
        d.join(bounds.select("month", "first", "last"), how="cross")
        .filter(
            (pl.col("valid_from") <= pl.col("last"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("first")))
        )
        .group_by(KEY)
        .agg(pl.min_horizontal(pl.col("valid_to").fill_null(pl.col("last")), "last").max())
        .rename({"valid_to": "date"})
    )


def fk_check(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    months = months_between(req.date_from, req.date_to)
    bounds = _month_bounds(months)
    cases = frames.cases.select("case_id", "unit_id")
    reports = (
        frames.fk_reports.filter(pl.col("month").is_in(months))
        .group_by(KEY)
        .agg(pl.col("reported_hours").sum())
    )
    worked = (
        worked_categories(frames, req.as_of)
        .filter(pl.col("month").is_in(months))
        .group_by(KEY)
        .agg((pl.col("hours") * counting_factor(req.settings)).sum().alias("worked_hours"))
        if frames.worked.height
        else pl.DataFrame(schema={"case_id": pl.String, "month": pl.String, "worked_hours": float})
    )
    granted = (
        granted_hours_by_month(frames.decisions, horizon=req.horizon)
        .join(bounds, on="month", how="semi")
        .select(*KEY, "granted_hours")
        if frames.decisions.height
        else pl.DataFrame(schema={"case_id": pl.String, "month": pl.String, "granted_hours": float})
    )
    keys = (
        pl.concat([reports.select(KEY), worked.select(KEY), granted.select(KEY)])
        .unique()
        .join(cases, on="case_id", how="inner")
    )
    table = (
        keys.join(reports, on=KEY, how="left")
        .join(worked, on=KEY, how="left")
        .join(granted, on=KEY, how="left")
        .join(bounds, on="month", how="left")
        .join(_rate_days(frames, bounds, req.horizon), on=KEY, how="left")
        .with_columns(
            pl.col("worked_hours", "granted_hours").fill_null(0.0),
            pl.col("date").fill_null(pl.col("last")),
        )
    )
    table = decision_rate(table, frames.decisions, req.settings.rates, horizon=req.horizon)
    diff = pl.col("reported_hours") - pl.col("worked_hours")
    return (
        table.with_columns(
            diff.alias("reported_minus_worked"),
            (pl.col("reported_hours") - pl.col("granted_hours"))
            .clip(lower_bound=0.0)
            .alias("reported_over_granted"),
            (diff.clip(lower_bound=0.0) * pl.col("rate")).alias("amount_at_risk"),
            ((-diff).clip(lower_bound=0.0) * pl.col("rate")).alias("unclaimed_amount"),
            (
                pl.col("reported_hours").is_null()
                & (pl.lit(req.as_of, pl.Date) > pl.col("due_date"))
            ).alias("missing"),
        )
        .select(COLUMNS)
        .sort("unit_id", "case_id", "month")
    )


__all__ = ["COLUMNS", "due_date", "fk_check"]
