"""forecast (helårsprognos): one row per case and per cost centre, for the calendar year of D.

spec/figures.md "forecast". The year's result = what has happened (case-economics through D's
month) + a forecast of the rest of the year (from D+1 to 31 December), set against the budget
of ``budget.csv``.

* ``actual_result``: Σ case-economics ``result`` of the year's months up to and including D's
  month (its facts run to D). The cost-centre row sums every row of its units, the unit's
  unallocated row (``case_id = ""``) included.
* ``forecast_revenue``: per settlement period (open-ended decisions run to 31 December), its
  *remaining part*, the days of the period from D+1 to 31 December:
  min(forecast hours, granted hours of the part) × the rate. Granted hours of the part are
  each decision's hours_per_week × its valid days in the part / 7; the rate is the
  decision's ``hourly_rate`` (FK: capped at the standard rate + ``raised_rate_cap_pct`` as in
  case-economics), else the standard rate (FK) or the municipal rate (KOMMUN) on the part's
  first day; with several decisions in a part, their rates weighted by their granted hours.
  Forecast hours of the part are its planned ``assistance`` hours (booked or open), plus,
  *when the schedule ends early*, the part's days after the later of D and the case's
  schedule end (its last planned assistance day) at the case's pace: worked hours per
  elapsed day of its settlement period that contains D, as hour-balance's
  ``pace_forecast_hours`` (0 when no period contains D or none of it has elapsed).
* ``forecast_cost`` of a case: its remaining planned assistance hours (D+1 .. 31 December)
  at the cost of the employee's employment in force on the shift's day: monthly staff at the
  hourly cost basis, hourly staff at hourly_wage × (1 + holiday pay rate), both plus the OB
  of the hours (OB windows and amounts of the rates, as in case-economics); open
  shifts, shifts of an employee with no employment then, and the pace hours above at the
  case's average computed cost per hour of the last three months (case-economics
  ``computed_cost_total`` / ``worked_hours`` of D's month and the two before; 0 without
  worked hours). Social fees (the rate on D) on the wages.
* ``forecast_cost`` of a cost centre: its cases' forecast cost *without* their monthly
  staff's hours, plus the monthly salaries of the monthly staff whose home unit has the
  cost centre, to year end (monthly_salary × rate / 100 × days employed after D in each
  month / days in the month, with social fees). The salary pays those hours and any idle time
  once: so the cost-centre row is not the sum of its case rows.
* ``forecast_revenue`` of a cost centre: the sum of its cases'.
* ``budget``: per (scope, month), the ``result`` rows when the month has one, else revenue −
  cost of the category rows (−Σ amount: the ledger's signs); summed over the year. A case's
  scope is the budget rows naming it; a cost centre's is all its rows (those naming a case
  included), so it compares with the cost centre's whole year_result. Empty (null) without
  any row in scope.

Left out of the forecast, where the spec names no rule: sick pay, overtime and additional
time beyond the plan, and the ledger's other costs (they are in actual_result for the months
that have happened).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import last_local_date, period_pieces
from timbalans.core.ob import ob_split, with_ob_amount
from timbalans.core.periods import normalize_decisions, periods_overlapping
from timbalans.figures.common import (
    case_settlement_periods,
    month_first_last,
    months_between,
    with_paid_rate,
)
from timbalans.figures.frames import Frames
from timbalans.figures.hour_balance import hour_balance
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import employment_on, employments
from timbalans.ingest.schema import BUDGET_RESULT

COLUMNS = (
    "level",
    "case_id",
    "cost_center",
    "year",
    "actual_result",
    "forecast_revenue",
    "forecast_cost",
    "forecast_result",
    "year_result",
    "budget",
    "deviation_from_budget",
)
CASE = "case"
COST_CENTER = "cost_center"
_SCHEMA = {
    "level": pl.String,
    "case_id": pl.String,
    "cost_center": pl.String,
    "year": pl.Int64,
    "actual_result": pl.Float64,
    "forecast_revenue": pl.Float64,
    "forecast_cost": pl.Float64,
    "forecast_result": pl.Float64,
    "year_result": pl.Float64,
    "budget": pl.Float64,
    "deviation_from_budget": pl.Float64,
}


def forecast(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    d = req.as_of
    year_first, year_last = dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
    cases = _year_cases(frames, year_first, year_last)
    econ = _economics(frames, req, year_first)
    actual = econ.filter(pl.col("month") >= f"{d.year}-01")
    avg_cost = _average_cost_per_hour(econ, d)
    revenue = _remaining_revenue(frames, req, year_last)
    cost = _remaining_shift_cost(frames, req, year_last, avg_cost)
    pace_cost = revenue.join(avg_cost, on="case_id", how="left").select(
        "case_id", (pl.col("pace_hours") * pl.col("avg_cost").fill_null(0.0)).alias("pace_cost")
    )

    per_case = (
        cases.join(
            actual.filter(pl.col("case_id") != "")
            .group_by("case_id")
            .agg(pl.col("result").sum().alias("actual_result")),
            on="case_id",
            how="left",
        )
        .join(revenue.select("case_id", "forecast_revenue"), on="case_id", how="left")
        .join(cost, on="case_id", how="left")
        .join(pace_cost, on="case_id", how="left")
        .with_columns(
            pl.col("actual_result", "forecast_revenue", "pace_cost").fill_null(0.0),
            pl.col("monthly_cost", "other_cost").fill_null(0.0),
        )
        .with_columns(
            (pl.col("monthly_cost") + pl.col("other_cost") + pl.col("pace_cost")).alias(
                "forecast_cost"
            )
        )
    )
    budget = _budget(frames, d.year)
    case_rows = per_case.join(
        budget.filter(pl.col("case_id").is_not_null()).select("case_id", "budget"),
        on="case_id",
        how="left",
    ).select(
        pl.lit(CASE).alias("level"),
        "case_id",
        "cost_center",
        "actual_result",
        "forecast_revenue",
        "forecast_cost",
        "budget",
    )

    centres = frames.units.select("unit_id", "cost_center")
    centre_actual = (
        actual.join(centres, on="unit_id", how="inner")
        .group_by("cost_center")
        .agg(pl.col("result").sum().alias("actual_result"))
    )
    centre_cases = per_case.group_by("cost_center").agg(
        pl.col("forecast_revenue").sum(),
        (pl.col("other_cost") + pl.col("pace_cost")).sum().alias("cases_cost"),
    )
    salaries = _monthly_salaries_to_year_end(frames, req, year_last)
    centre_rows = (
        centres.select("cost_center")
        .unique()
        .join(centre_actual, on="cost_center", how="left")
        .join(centre_cases, on="cost_center", how="left")
        .join(salaries, on="cost_center", how="left")
        .join(
            budget.filter(pl.col("case_id").is_null()).select("cost_center", "budget"),
            on="cost_center",
            how="left",
        )
        .with_columns(
            pl.col("actual_result", "forecast_revenue", "cases_cost", "salaries").fill_null(0.0)
        )
        .select(
            pl.lit(COST_CENTER).alias("level"),
            pl.lit(None, pl.String).alias("case_id"),
            "cost_center",
            "actual_result",
            "forecast_revenue",
            (pl.col("cases_cost") + pl.col("salaries")).alias("forecast_cost"),
            "budget",
        )
    )
    return (
        pl.concat([case_rows, centre_rows], how="vertical_relaxed")
        .with_columns(
            pl.lit(d.year, pl.Int64).alias("year"),
            (pl.col("forecast_revenue") - pl.col("forecast_cost")).alias("forecast_result"),
        )
        .with_columns((pl.col("actual_result") + pl.col("forecast_result")).alias("year_result"))
        .with_columns((pl.col("year_result") - pl.col("budget")).alias("deviation_from_budget"))
        .select(COLUMNS)
        .cast(_SCHEMA)  # type: ignore[arg-type]
        .sort("level", "cost_center", "case_id", nulls_last=True)
    )


# --------------------------------------------------------------------------- parts


def _year_cases(frames: Frames, first: dt.date, last: dt.date) -> pl.DataFrame:
    """The visible cases active some day of the year, with their cost centre."""
    return (
        frames.cases.filter(
            (pl.col("start_date") <= pl.lit(last, pl.Date))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.lit(first, pl.Date)))
        )
        .join(frames.units.select("unit_id", "cost_center"), on="unit_id", how="inner")
        .select("case_id", "cost_center")
    )


def _economics(frames: Frames, req: FigureRequest, year_first: dt.date) -> pl.DataFrame:
    """case-economics from the earlier of 1 January and the start of the three months ending
    D's month, through D."""
    from timbalans.figures.case_economics import case_economics

    three = _add_months(req.as_of.replace(day=1), -2)
    sub = FigureRequest.make(
        req.as_of, date_from=min(year_first, three), date_to=req.as_of, settings=req.settings
    )
    return case_economics(frames, sub).select(
        "case_id", "unit_id", "month", "result", "computed_cost_total", "worked_hours"
    )


def _average_cost_per_hour(econ: pl.DataFrame, d: dt.date) -> pl.DataFrame:
    """Per case: computed cost per worked hour of D's month and the two before."""
    months = months_between(_add_months(d.replace(day=1), -2), d)
    return (
        econ.filter(pl.col("month").is_in(months) & (pl.col("case_id") != ""))
        .group_by("case_id")
        .agg(pl.col("computed_cost_total").sum(), pl.col("worked_hours").sum())
        .select(
            "case_id",
            pl.when(pl.col("worked_hours") > 0)
            .then(pl.col("computed_cost_total") / pl.col("worked_hours"))
            .otherwise(0.0)
            .alias("avg_cost"),
        )
    )


def _remaining_parts(frames: Frames, req: FigureRequest, year_last: dt.date) -> pl.DataFrame:
    """The remaining part of each settlement period: ``case_id``, ``period_start``,
    ``period_end`` (the part's first and last day, D+1 .. 31 December)."""
    rest_first = req.as_of + dt.timedelta(days=1)
    periods = periods_overlapping(case_settlement_periods(frames, year_last), rest_first, year_last)
    return periods.select(
        "case_id",
        pl.max_horizontal("period_start", pl.lit(rest_first, pl.Date)).alias("period_start"),
        pl.min_horizontal("period_end", pl.lit(year_last, pl.Date)).alias("period_end"),
    ).filter(pl.col("period_start") <= pl.col("period_end"))


def _remaining_revenue(frames: Frames, req: FigureRequest, year_last: dt.date) -> pl.DataFrame:
    """Per case: ``forecast_revenue`` and ``pace_hours`` (the hours added at the pace)."""
    empty = pl.DataFrame(
        schema={"case_id": pl.String, "forecast_revenue": pl.Float64, "pace_hours": pl.Float64}
    )
    if req.as_of >= year_last or frames.decisions.height == 0:
        return empty
    parts = _remaining_parts(frames, req, year_last)
    if parts.height == 0:
        return empty
    shifts = frames.shifts.filter(pl.col("kind") == "assistance")
    planned = (
        period_pieces(shifts, parts)
        .group_by("case_id", "period_start")
        .agg(pl.col("hours").sum().alias("planned"))
    )
    schedule_end = shifts.group_by("case_id").agg(
        last_local_date(pl.col("end").max()).alias("schedule_end")
    )
    pace = _pace(frames, req)
    d = pl.lit(req.as_of, pl.Date)
    after = pl.max_horizontal(
        pl.col("period_start"),
        pl.max_horizontal(pl.col("schedule_end").fill_null(d), d) + pl.duration(days=1),
    )
    unscheduled = ((pl.col("period_end") - after).dt.total_days() + 1).clip(lower_bound=0)
    granted = _granted_and_rate(frames, req, parts, year_last)
    return (
        parts.join(planned, on=["case_id", "period_start"], how="left")
        .join(schedule_end, on="case_id", how="left")
        .join(pace, on="case_id", how="left")
        .join(granted, on=["case_id", "period_start"], how="left")
        .with_columns(
            pl.col("planned", "pace", "granted", "rate").fill_null(0.0),
        )
        .with_columns((unscheduled.cast(pl.Float64) * pl.col("pace")).alias("pace_hours"))
        .with_columns(
            (
                pl.min_horizontal(pl.col("planned") + pl.col("pace_hours"), pl.col("granted"))
                * pl.col("rate")
            ).alias("forecast_revenue")
        )
        .group_by("case_id")
        .agg(pl.col("forecast_revenue").sum(), pl.col("pace_hours").sum())
    )


def _pace(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """Per case: worked hours per elapsed day of its settlement period that contains D."""
    hb = hour_balance(frames, FigureRequest.make(req.as_of, settings=req.settings))
    elapsed = (
        (
            pl.min_horizontal(pl.lit(req.as_of, pl.Date), pl.col("period_end"))
            - pl.col("period_start")
        ).dt.total_days()
        + 1
    ).cast(pl.Float64)
    return hb.select(
        "case_id",
        pl.when(elapsed > 0).then(pl.col("worked_hours") / elapsed).otherwise(0.0).alias("pace"),
    ).unique("case_id", keep="first")


def _granted_and_rate(
    frames: Frames, req: FigureRequest, parts: pl.DataFrame, year_last: dt.date
) -> pl.DataFrame:
    """Per part: ``granted`` hours and the granted-weighted ``rate`` of its decisions."""
    decisions = normalize_decisions(frames.decisions, horizon=year_last)
    days = (
        pl.min_horizontal("period_end", "valid_to")
        - pl.max_horizontal("period_start", "valid_from")
    ).dt.total_days() + 1
    joined = (
        parts.join(decisions, on="case_id", how="inner")
        .with_columns(days.clip(lower_bound=0).alias("days"))
        .filter(pl.col("days") > 0)
        .with_columns((pl.col("hours_per_week") * pl.col("days") / 7).alias("g"))
        .with_columns(pl.col("period_start").alias("date"))
    )
    priced = with_paid_rate(req.settings.rates, joined, alias="r")
    return (
        priced.group_by("case_id", "period_start")
        .agg(pl.col("g").sum().alias("granted"), (pl.col("g") * pl.col("r")).sum().alias("gr"))
        .select(
            "case_id",
            "period_start",
            "granted",
            pl.when(pl.col("granted") > 0)
            .then(pl.col("gr") / pl.col("granted"))
            .otherwise(0.0)
            .alias("rate"),
        )
    )


def _remaining_shift_cost(
    frames: Frames, req: FigureRequest, year_last: dt.date, avg_cost: pl.DataFrame
) -> pl.DataFrame:
    """Per case: ``monthly_cost`` (monthly staff's planned hours at their cost basis) and
    ``other_cost`` (hourly staff, open shifts, no employment), both with social fees."""
    schema = {"case_id": pl.String, "monthly_cost": pl.Float64, "other_cost": pl.Float64}
    if req.as_of >= year_last:
        return pl.DataFrame(schema=schema)
    window = frames.cases.select(
        "case_id",
        pl.lit(req.as_of + dt.timedelta(days=1), pl.Date).alias("period_start"),
        pl.lit(year_last, pl.Date).alias("period_end"),
    )
    shifts = frames.shifts.filter(pl.col("kind") == "assistance")
    pieces = period_pieces(shifts, window)
    if pieces.height == 0:
        return pl.DataFrame(schema=schema)
    s = req.settings
    fee = 1 + s.social_fee_rate
    pieces = ob_split(pieces.drop("hours"), s.rates.ob_windows)
    pieces = with_ob_amount(pieces.with_columns(pl.col("employee_id").fill_null("")), s.rates)
    priced = employment_on(frames, pieces).join(avg_cost, on="case_id", how="left")
    ob = pl.col("ob_amount") * pl.col("hours")
    cost = (
        pl.when(pl.col("form_class") == "monthly")
        .then(pl.col("cost_basis") * pl.col("hours") + ob)
        .when(pl.col("form_class") == "hourly")
        .then(pl.col("hourly_wage") * (1 + s.holiday_pay_rate) * pl.col("hours") + ob)
        .otherwise(pl.col("avg_cost").fill_null(0.0) * pl.col("hours") / fee)
    ) * fee
    monthly = pl.col("form_class") == "monthly"
    return (
        priced.with_columns(cost.fill_null(0.0).alias("cost"))
        .group_by("case_id")
        .agg(
            pl.col("cost").filter(monthly).sum().alias("monthly_cost"),
            pl.col("cost").filter(~monthly.fill_null(False)).sum().alias("other_cost"),
        )
    )


def _monthly_salaries_to_year_end(
    frames: Frames, req: FigureRequest, year_last: dt.date
) -> pl.DataFrame:
    """Per cost centre: the monthly staff's salaries from D+1 to 31 December, with fees."""
    schema = {"cost_center": pl.String, "salaries": pl.Float64}
    first = req.as_of + dt.timedelta(days=1)
    if first > year_last:
        return pl.DataFrame(schema=schema)
    months = pl.DataFrame(
        [
            (max(month_first_last(m)[0], first), month_first_last(m)[1])
            for m in months_between(first, year_last)
        ],
        schema={"m_first": pl.Date, "m_last": pl.Date},
        orient="row",
    )
    e = employments(frames).filter("is_monthly")
    days = (
        pl.min_horizontal("m_last", "valid_to") - pl.max_horizontal("m_first", "valid_from")
    ).dt.total_days() + 1
    in_month = (pl.col("m_last").dt.month_end() - pl.col("m_last").dt.month_start()).dt.total_days()
    salary = (
        pl.col("monthly_salary").fill_null(0.0)
        * pl.col("employment_rate").fill_null(0.0)
        / 100
        * days.clip(lower_bound=0)
        / (in_month + 1)
    )
    return (
        e.join(months, how="cross")
        .with_columns(salary.alias("salary"))
        .join(frames.employees.select("employee_id", "unit_id"), on="employee_id", how="inner")
        .join(frames.units.select("unit_id", "cost_center"), on="unit_id", how="inner")
        .group_by("cost_center")
        .agg((pl.col("salary").sum() * (1 + req.settings.social_fee_rate)).alias("salaries"))
    )


def _budget(frames: Frames, year: int) -> pl.DataFrame:
    """The year's budget: per case (``case_id``, ``cost_center``, ``budget``) and per cost
    centre (``case_id`` null): see the module docstring. The result-or-categories choice is
    made per month for each case's rows and for the cost centre's rows without a case."""
    rows = frames.budget.filter(pl.col("month").str.starts_with(f"{year}-"))
    result = pl.col("category") == BUDGET_RESULT
    scoped = (
        rows.group_by("case_id", "cost_center", "month")
        .agg(
            result.any().alias("has_result"),
            pl.col("amount").filter(result).sum().alias("result"),
            # revenue − cost of category rows: the ledger's signs (revenue negative)
            (-pl.col("amount")).filter(~result).sum().alias("categories"),
        )
        .with_columns(
            pl.when("has_result")
            .then(pl.col("result"))
            .otherwise(pl.col("categories"))
            .alias("budget")
        )
    )
    cases = (
        scoped.filter(pl.col("case_id").is_not_null())
        .group_by("case_id", "cost_center")
        .agg(pl.col("budget").sum())
    )
    centres = (
        scoped.group_by("cost_center")
        .agg(pl.col("budget").sum())
        .with_columns(pl.lit(None, pl.String).alias("case_id"))
    )
    return pl.concat(
        [cases.select("case_id", "cost_center", "budget"), centres.select(cases.columns)]
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


__all__ = ["COLUMNS", "forecast"]
