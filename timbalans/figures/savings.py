"""savings (effekt av åtgärder): one row per measure area, from the 12 months ending D.

spec/figures.md "savings". The window is the 12 calendar months ending with D's month (the
last one up to D); every table below is computed for it with the same D.

* ``decided_hours``: Σ over cases of (Σ unpaid_hours of hour-balance + Σ excess_worked_hours
  of coverage, over the periods overlapping the window) × the case's cost_per_hour over the
  window (case-economics);
* ``cases``: − Σ result over the window of the N cases with the largest deficits
  (N = ``savings_top_cases``, 4; only cases in deficit);
* ``temp_overtime``: Σ over unit-months (overtime table) of (hourly_staff_cost + overtime_cost
  + additional_cost − their hours × the ordinary hourly cost) × (1 + social fee rate);
* ``sick_leave``: Σ over unit-months (absence table) of sick_pay_cost +
  (replacement_hourly_hours × the hourly-staff premium per hour + replacement_overtime_hours ×
  the overtime/mertid premium per hour) × (1 + social fee rate);
* ``structural``: Σ structural_cost of case-economics (shown, not a saving).

The *ordinary hourly cost* of a unit-month is the mean hourly cost basis of the unit's
monthly-paid employees weighted by contracted hours (the department's mean when the unit has
none); a premium per hour is the unit-month's cost per hour of that kind (overtime table; the
department's month when the unit's cases had none) less the ordinary hourly cost of the sick
employees' unit. The social fee rate is the one valid on the month's first day.

effect_low / effect_high = cost_base × ``savings_effect_low_pct`` (10) / ``_high_pct`` (20)
percent; ``structural`` has no effect. The areas are measure areas, not a partition of the
cost: replacement premiums of sick leave are also part of temp_overtime, and an unpaid hour
is also in a case's result, so the effects are not to be added up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl

from timbalans.figures.absence import absence
from timbalans.figures.case_economics import case_economics, case_results
from timbalans.figures.common import month_first_last, months_between
from timbalans.figures.coverage import excess_worked_hours
from timbalans.figures.frames import Frames
from timbalans.figures.hour_balance import hour_balance
from timbalans.figures.overtime import overtime
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import employee_months

COLUMNS = ("area", "cost_base", "effect_low", "effect_high")
AREAS = ("decided_hours", "cases", "temp_overtime", "sick_leave", "structural")
KEY = ["unit_id", "month"]


def window_request(req: FigureRequest) -> FigureRequest:
    """The request for the 12 calendar months ending with D's month."""
    d = req.as_of
    index = d.year * 12 + d.month - 1 - 11
    first = dt.date(index // 12, index % 12 + 1, 1)
    return replace(req, date_from=first, date_to=d)


def ordinary_cost(frames: Frames, months: list[str]) -> pl.DataFrame:
    """``unit_id``, ``month``, ``ordinary_cost``: mean cost basis of the unit's monthly staff."""
    staff = employee_months(frames, months)
    weighted = (pl.col("cost_basis") * pl.col("contracted_hours")).sum() / pl.col(
        "contracted_hours"
    ).sum()
    by_unit = staff.group_by(KEY).agg(weighted.alias("ordinary_cost"))
    by_month = staff.group_by("month").agg(weighted.alias("__dept"))
    grid = frames.units.select("unit_id").join(
        pl.DataFrame({"month": months}, schema={"month": pl.String}), how="cross"
    )
    return (
        grid.join(by_unit, on=KEY, how="left")
        .join(by_month, on="month", how="left")
        .select(*KEY, pl.coalesce("ordinary_cost", "__dept").fill_null(0.0).alias("ordinary_cost"))
    )


def _fees(req: FigureRequest, months: list[str]) -> pl.DataFrame:
    rates = req.settings.rates
    return pl.DataFrame(
        {
            "month": months,
            "fee": [rates.value("social_fee_rate", month_first_last(m)[0]) for m in months],
        },
        schema={"month": pl.String, "fee": pl.Float64},
    )


def _per_hour(cost: str, hours: str) -> pl.Expr:
    """Cost per hour of the unit-month, else of the department's month, else ordinary."""
    dept_cost = pl.col(cost).sum().over("month")
    dept_hours = pl.col(hours).sum().over("month")
    return (
        pl.when(pl.col(hours) > 0)
        .then(pl.col(cost) / pl.col(hours))
        .when(dept_hours > 0)
        .then(dept_cost / dept_hours)
        .otherwise(pl.col("ordinary_cost"))
    )


def savings_bases(frames: Frames, req: FigureRequest) -> dict[str, float]:
    """The cost base of each area (SEK), from the 12 months ending D."""
    wreq = window_request(req)
    s = wreq.settings
    months = months_between(wreq.date_from, wreq.date_to)
    economics = case_economics(frames, wreq)
    per_case = case_results(economics)

    excess = (
        pl.concat(
            [
                hour_balance(frames, wreq).select("case_id", pl.col("unpaid_hours").alias("h")),
                # coverage's excess_worked_hours, without its planned half (not needed here)
                excess_worked_hours(frames, wreq).select(
                    "case_id", pl.col("excess_worked_hours").alias("h")
                ),
            ]
        )
        .group_by("case_id")
        .agg(pl.col("h").sum())
    )
    decided = float(
        excess.join(per_case.select("case_id", "cost_per_hour"), on="case_id", how="inner")
        .select((pl.col("h") * pl.col("cost_per_hour").fill_null(0.0)).sum())
        .item()
    )
    worst = per_case.filter(pl.col("result") < 0).sort("result").head(s.savings_top_cases)
    cases = max(0.0, -float(worst["result"].sum()))  # never -0.0

    ordinary = ordinary_cost(frames, months).join(_fees(wreq, months), on="month")
    ot = overtime(frames, wreq).join(ordinary, on=KEY, how="left")
    temp_hours = (
        pl.col("hourly_staff_hours") + pl.col("overtime_hours") + pl.col("additional_hours")
    )
    temp_cost = pl.col("hourly_staff_cost") + pl.col("overtime_cost") + pl.col("additional_cost")
    temp = float(
        ot.select(
            ((temp_cost - temp_hours * pl.col("ordinary_cost")) * (1 + pl.col("fee"))).sum()
        ).item()
    )

    premiums = ot.with_columns(
        (pl.col("overtime_cost") + pl.col("additional_cost")).alias("__ot_cost"),
        (pl.col("overtime_hours") + pl.col("additional_hours")).alias("__ot_hours"),
    ).select(
        *KEY,
        (_per_hour("hourly_staff_cost", "hourly_staff_hours") - pl.col("ordinary_cost")).alias(
            "hourly_premium"
        ),
        (_per_hour("__ot_cost", "__ot_hours") - pl.col("ordinary_cost")).alias("overtime_premium"),
    )
    sick = float(
        absence(frames, wreq)
        .join(premiums, on=KEY, how="left")
        .join(_fees(wreq, months), on="month", how="left")
        .select(
            (
                pl.col("sick_pay_cost")
                + (
                    pl.col("replacement_hourly_hours") * pl.col("hourly_premium").fill_null(0.0)
                    + pl.col("replacement_overtime_hours")
                    * pl.col("overtime_premium").fill_null(0.0)
                )
                * (1 + pl.col("fee"))
            ).sum()
        )
        .item()
    )
    structural = float(economics["structural_cost"].sum())
    return {
        "decided_hours": decided,
        "cases": cases,
        "temp_overtime": temp,
        "sick_leave": sick,
        "structural": structural,
    }


def savings(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    s = req.settings
    bases = savings_bases(frames, req)
    base = pl.col("cost_base")
    effect = pl.col("area") != "structural"
    return pl.DataFrame(
        {"area": list(AREAS), "cost_base": [bases[a] for a in AREAS]},
        schema={"area": pl.String, "cost_base": pl.Float64},
    ).with_columns(
        pl.when(effect).then(base * s.savings_effect_low_pct / 100).alias("effect_low"),
        pl.when(effect).then(base * s.savings_effect_high_pct / 100).alias("effect_high"),
    )


__all__ = ["AREAS", "COLUMNS", "savings", "savings_bases", "window_request"]
