"""savings (effekt av åtgärder): one row per measure area, from the 12 months ending D.

spec/figures.md "savings". The window is the 12 calendar months ending with D's month (the
last one up to D); every table below is computed for it with the same D. An hour is in one
base only, every base is at most what was spent, and each hour is priced at the cost of the
hour that would not be bought. As the spec defines ``cases``, only its decided_hours part is
taken out of it: the sick pay and bought hours of those cases are in their results too.

*Bought hours* (:func:`timbalans.figures.case_economics.bought.bought_hours`): per unit (the
case's) and month, overtime, mertid and hourly-staff hours with their own computed cost
(wage, holiday pay, OB and social fees). A unit's *cost per bought hour* is all its bought
hours' cost / their hours over the 12 months; a unit with none uses its monthly staff's
hourly cost basis (weighted by contracted hours; the department's when it has none) × (1 +
the social fee rate on D).

* ``decided_hours``: per case, the hours that will not be paid: unpaid_hours of the
  settlement periods that ended in the window (hour-balance, ``is_closed``), plus
  max(0, forecast_hours − granted_hours) of the periods in progress at D; each hour at the
  case's unit's cost per bought hour. ``hours`` = those hours;
* ``cases``: − Σ result_influenceable (case-economics, over the window) of the N cases with
  the largest influenceable deficits (N = ``savings_top_cases``, 4), less those cases' part
  of the ``decided_hours`` base; not below 0;
* ``temp_overtime``: per unit and month, unused contracted time (capacity's unused_hours, by
  home unit) replaces bought hours in reverse priority order: overtime first, then mertid,
  then hourly staff, each taken hour at its kind's cost per hour in that unit-month; plus the
  overtime premium (overtime cost − the same hours at the hourly cost basis with fees, per
  hour) on the overtime hours left. ``hours`` = replaced hours + the overtime hours left;
* ``sick_leave``: Σ sick_pay_cost of absence (sick pay days 1–14 with the lost OB, less the
  qualifying deduction, with fees); replacement costs stay in ``temp_overtime``;
* ``structural``: Σ structural_cost of case-economics (shown, not a saving; no effect).

effect_low / effect_high = cost_base × ``savings_effect_low_pct`` (10) / ``_high_pct`` (20)
percent, each share capped at 100 %, so the sum of the effects never exceeds the sum of the
bases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

from timbalans.figures.absence import absence
from timbalans.figures.capacity import capacity
from timbalans.figures.case_economics import case_economics, case_results
from timbalans.figures.case_economics.bought import bought_hours
from timbalans.figures.common import months_between
from timbalans.figures.frames import Frames
from timbalans.figures.hour_balance import hour_balance
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import employee_months

COLUMNS = ("area", "cost_base", "hours", "effect_low", "effect_high")
AREAS = ("decided_hours", "cases", "temp_overtime", "sick_leave", "structural")
KEY = ["unit_id", "month"]


def window_request(req: FigureRequest) -> FigureRequest:
    """The request for the 12 calendar months ending with D's month."""
    d = req.as_of
    index = d.year * 12 + d.month - 1 - 11
    first = dt.date(index // 12, index % 12 + 1, 1)
    return replace(req, date_from=first, date_to=d)


@dataclass(frozen=True)
class Base:
    cost: float
    hours: float | None = None


def unit_cost_per_bought_hour(
    frames: Frames, req: FigureRequest, bought: pl.DataFrame
) -> pl.DataFrame:
    """``unit_id``, ``cost_per_hour``: every visible unit's bought hours' cost per hour over the
    window, else its monthly staff's mean hourly cost basis × (1 + the social fee rate on D)."""
    months = months_between(req.date_from, req.date_to)
    fee = req.settings.rates.value("social_fee_rate", req.as_of)
    staff = employee_months(frames, months, until=req.as_of)
    weighted = (pl.col("cost_basis") * pl.col("contracted_hours")).sum() / pl.col(
        "contracted_hours"
    ).sum()
    basis = staff.group_by("unit_id").agg(weighted.alias("__basis"))
    dept = staff.select(weighted).item() if staff.height else None
    per_unit = bought.group_by("unit_id").agg(
        (pl.col("cost").sum() / pl.col("hours").sum()).alias("__bought")
    )
    return (
        frames.units.select("unit_id")
        .join(per_unit.filter(pl.col("__bought").is_finite()), on="unit_id", how="left")
        .join(basis, on="unit_id", how="left")
        .select(
            "unit_id",
            pl.coalesce(
                "__bought",
                pl.coalesce("__basis", pl.lit(dept, pl.Float64)) * (1 + fee),
            )
            .fill_null(0.0)
            .alias("cost_per_hour"),
        )
    )


def decided_hours_by_case(frames: Frames, req: FigureRequest, bought: pl.DataFrame) -> pl.DataFrame:
    """``case_id``, ``hours`` (not paid: closed periods' unpaid_hours, open periods' forecast
    over granted), ``cost`` (× the unit's cost per bought hour). ``req``: the window."""
    hb = hour_balance(frames, req)
    ended = pl.col("is_closed") & (pl.col("period_end") >= pl.lit(req.date_from, pl.Date))
    over = (pl.col("forecast_hours") - pl.col("granted_hours")).clip(lower_bound=0.0)
    hours = (
        hb.select(
            "case_id",
            pl.when(ended)
            .then(pl.col("unpaid_hours"))
            .when(~pl.col("is_closed"))
            .then(over)
            .otherwise(0.0)
            .fill_null(0.0)
            .alias("hours"),
        )
        .group_by("case_id")
        .agg(pl.col("hours").sum())
    )
    return (
        hours.join(frames.cases.select("case_id", "unit_id"), on="case_id", how="inner")
        .join(unit_cost_per_bought_hour(frames, req, bought), on="unit_id", how="left")
        .select(
            "case_id",
            "hours",
            (pl.col("hours") * pl.col("cost_per_hour").fill_null(0.0)).alias("cost"),
        )
        .sort("case_id")
    )


def substitution(frames: Frames, req: FigureRequest, bought: pl.DataFrame) -> pl.DataFrame:
    """Per unit and month: the bought hours unused contracted time replaces, overtime first,
    then mertid, then hourly staff (``replaced_hours``, ``replaced_cost``), and the overtime
    hours left with their premium (``overtime_left_hours``, ``premium``). ``req``: the window."""
    wide = bought.pivot(on="category", index=KEY, values=["hours", "cost", "ordinary_cost"])
    for kind in ("overtime", "additional", "hourly"):
        for value in ("hours", "cost", "ordinary_cost"):
            name = f"{value}_{kind}"
            if name not in wide.columns:
                wide = wide.with_columns(pl.lit(0.0).alias(name))
    unused = capacity(frames, req).select(*KEY, "unused_hours")
    table = unused.join(wide, on=KEY, how="full", coalesce=True).fill_null(0.0)
    left = pl.col("unused_hours")
    taken: dict[str, pl.Expr] = {}
    for kind in ("overtime", "additional", "hourly"):
        taken[kind] = pl.min_horizontal(left, pl.col(f"hours_{kind}")).clip(lower_bound=0.0)
        left = left - taken[kind]

    def per_hour(kind: str) -> pl.Expr:
        h = pl.col(f"hours_{kind}")
        return pl.when(h > 0).then(pl.col(f"cost_{kind}") / h).otherwise(0.0)

    ot_left = pl.col("hours_overtime") - taken["overtime"]
    premium_per_hour = (
        pl.when(pl.col("hours_overtime") > 0)
        .then(
            (pl.col("cost_overtime") - pl.col("ordinary_cost_overtime")) / pl.col("hours_overtime")
        )
        .otherwise(0.0)
    )
    return table.select(
        *KEY,
        pl.sum_horizontal(taken.values()).alias("replaced_hours"),
        pl.sum_horizontal([taken[k] * per_hour(k) for k in taken]).alias("replaced_cost"),
        ot_left.alias("overtime_left_hours"),
        (ot_left * premium_per_hour).alias("premium"),
    ).sort(KEY)


def savings_bases(frames: Frames, req: FigureRequest) -> dict[str, Base]:
    """The cost base (SEK) and hours of each area, from the 12 months ending D."""
    wreq = window_request(req)
    bought = bought_hours(frames, wreq)

    decided = decided_hours_by_case(frames, wreq, bought)
    decided_cost = float(decided["cost"].sum())

    economics = case_economics(frames, wreq)
    worst = (
        case_results(economics)
        .filter(pl.col("result_influenceable") < 0)
        .sort("result_influenceable", "case_id")
        .head(wreq.settings.savings_top_cases)
    )
    their_decided = float(decided.join(worst, on="case_id", how="semi")["cost"].sum())
    cases = max(0.0, -float(worst["result_influenceable"].sum()) - their_decided)

    swap = substitution(frames, wreq, bought)
    sick = float(absence(frames, wreq)["sick_pay_cost"].sum())
    return {
        "decided_hours": Base(decided_cost, float(decided["hours"].sum())),
        "cases": Base(cases),
        "temp_overtime": Base(
            float((swap["replaced_cost"] + swap["premium"]).sum()),
            float((swap["replaced_hours"] + swap["overtime_left_hours"]).sum()),
        ),
        "sick_leave": Base(sick),
        "structural": Base(float(economics["structural_cost"].sum())),
    }


def savings(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    s = req.settings
    bases = savings_bases(frames, req)
    base = pl.col("cost_base")
    effect = pl.col("area") != "structural"
    low, high = (
        min(100.0, max(0.0, p)) for p in (s.savings_effect_low_pct, s.savings_effect_high_pct)
    )
    return pl.DataFrame(
        {
            "area": list(AREAS),
            "cost_base": [bases[a].cost for a in AREAS],
            "hours": [bases[a].hours for a in AREAS],
        },
        schema={"area": pl.String, "cost_base": pl.Float64, "hours": pl.Float64},
    ).with_columns(
        pl.when(effect).then(base * low / 100).alias("effect_low"),
        pl.when(effect).then(base * high / 100).alias("effect_high"),
    )


__all__ = [
    "AREAS",
    "COLUMNS",
    "decided_hours_by_case",
    "savings",
    "savings_bases",
    "substitution",
    "unit_cost_per_bought_hour",
    "window_request",
]
