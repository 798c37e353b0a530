"""case-economics (ärendeekonomi): one row per case and month, plus each unit's unallocated row.

spec/figures.md "case-economics". Two sources per row:

* **ledger**, when the ledger has rows for the case (or, for the unit row, rows without a case
  on the unit's cost center) in the month: revenue = −Σ amounts of the revenue categories
  (revenue is booked negative); ``cost_<category>`` = Σ amounts of each cost category of
  ``accounts.csv``; structural_cost = Σ cost amounts on accounts marked structural;
* **computed** otherwise, from time, employments and the rate set (below).

``computed_cost_total`` (and ``computed_revenue``) are always computed, so the ledger can be
reconciled with the time data row by row. Every row also carries the cost drivers: worked
(counted) hours, cost and revenue per hour, the shares of hourly staff, overtime and OB hours,
distinct staff and the hours worked past the settlement period's granted total
(``unpaid_hours``).

**Computed revenue.** Counted hours (on call × 1/4, standby × 1/7) in time order within each
settlement period of the case (``timbalans.core.periods``), cumulated from the period's start;
once the period's granted total is passed the later hours are unpaid. Each paid hour earns the
rate of the decision valid on its date: the decision's ``hourly_rate`` (for FK capped at the
standard rate + ``raised_rate_cap_pct``), else the standard hourly rate (FK) or the
municipality's internal rate (KOMMUN) valid on that date. Summed by month this is exactly the
spec's "months in order" rule, and a rate that changes inside a month applies from its date.

**Computed cost** (facts up to D; every amount priced with the rate valid on its own date):

* monthly-paid, ``ordinary`` time: hourly cost basis × hours, on the case (``salary_monthly``);
* ``additional`` (mertid): basis × hours; overtime: basis × hours × the type's factor;
* hourly-paid (any time type): hourly_wage × (1 + holiday pay rate) × counted hours;
* on call / standby of the monthly-paid: ``on_call_pay`` / ``standby_pay`` per hour
  (``other_staff``; example rates);
* OB: the hours of ``ordinary`` and ``additional`` time in each OB category
  (:mod:`timbalans.core.ob`) × that category's amount (overtime pay replaces OB);
* sick pay: ``sick_pay_share`` (80 %) of the cost basis (hourly-paid: wage × (1 + holiday
  pay)) for the planned ``assistance`` hours lost on days 1–14 of a sick-pay period (planned
  hours inside the sick absence × extent), less the qualifying deduction taken in date order
  (as in the absence table: ``qualifying_deduction_pct_of_week`` of an average week's sick
  pay; for the hourly-paid the week is the sick pay of the period's first 7 days), on the case
  of the lost shift;
* **idle paid time** on the unit's row ``case_id = ""``: the month's paid salary of each
  monthly-paid employee (monthly_salary × rate / 100 × days employed / days in the month, up to
  D) less the salary for unpaid absence (``sick``, ``child_care``, ``parental``, ``leave``
  hours by capacity's rule × cost basis, at most the salary) less what was charged to cases
  above, on the employee's home unit. It may be negative when ordinary hours past the contract
  were charged (time that should have been mertid);
* social fees: the social fee rate of each amount's date × all of the above.

Employees whose employment status is not ``ordinary`` (work training, reassignment,
rehabilitation) have their salary in ``cost_training_reassignment`` and all their cost,
fees included, in ``structural_cost``. So every krona lands on exactly one case or on the
unit's unallocated row, and the rows add up to the department's computed total.

Where the spec is silent: rows exist for every visible unit × month (the unallocated row, even
when 0) and for every case × month with a decision day, worked time, ledger rows or computed
cost. With a view limited to some cases, time of the unit's staff in cases outside it is not
deducted from the unit's idle row. The importer refuses overlapping employments of one
employee, so the employment in force on a date is the latest started on or before it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl

from timbalans.core.intervals import TZ, local_midnight, midnight_after
from timbalans.core.ob import ob_split, with_ob_amount
from timbalans.core.periods import (
    FK,
    granted_hours_by_month,
    normalize_decisions,
    periods_overlapping,
)
from timbalans.core.rates import RateSet
from timbalans.core.spells import sick_days
from timbalans.figures.common import (
    case_settlement_periods,
    counting_factor,
    month_first_last,
    month_labels,
    months_between,
)
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings
from timbalans.figures.staff import (
    absence_day_hours,
    concurrent_split,
    employment_on,
    interval_pairs,
    overlapping,
)
from timbalans.ingest.accounts import account_categories
from timbalans.ingest.schema import MONTHLY_FORMS, REVENUE_CATEGORIES

COST_CATEGORIES = (
    "salary_monthly",
    "salary_hourly",
    "additional_hours",
    "overtime",
    "ob",
    "sick_pay",
    "social_fees",
    "hsl",
    "training_reassignment",
    "other_staff",
    "other",
)
COST_COLUMNS = tuple(f"cost_{c}" for c in COST_CATEGORIES)
COLUMNS = (
    "case_id",
    "unit_id",
    "month",
    "source",
    "revenue",
    *COST_COLUMNS,
    "cost_total",
    "structural_cost",
    "result",
    "result_influenceable",
    "worked_hours",
    "cost_per_hour",
    "revenue_per_hour",
    "hourly_staff_share",
    "overtime_share",
    "ob_share",
    "distinct_staff",
    "unpaid_hours",
    "computed_revenue",
    "computed_cost_total",
)
KEY = ["case_id", "month"]
ROW_KEY = ["case_id", "unit_id", "month"]
UNALLOCATED = ""
LEDGER, COMPUTED = "ledger", "computed"
OB_TIME_TYPES = ("ordinary", "additional")
UNPAID_ABSENCE_TYPES = ("sick", "child_care", "parental", "leave")
SICK_PAY_DAYS = 14
HOURLY_DEDUCTION_WEEK_DAYS = 7
FAR_FUTURE = dt.date(9999, 12, 31)

# Long-form cost parts: where each krona lands before the table is pivoted.
# ``fee_amount``: the social fees on the part (Σ amount × the fee rate of each amount's date).
SUM_SCHEMA = {
    "case_id": pl.String(),
    "unit_id": pl.String(),
    "month": pl.String(),
    "column": pl.String(),
    "structural": pl.Boolean(),
    "amount": pl.Float64(),
    "fee_amount": pl.Float64(),
}
PART_SCHEMA = {
    "case_id": pl.String(),
    "unit_id": pl.String(),
    "month": pl.String(),
    "date": pl.Date(),
    "column": pl.String(),
    "amount": pl.Float64(),
    "structural": pl.Boolean(),
}


@dataclass(frozen=True)
class Window:
    """The months of the table, and the days whose facts count (up to D)."""

    months: list[str]
    first: dt.date
    last: dt.date  # last day of the last month
    last_fact: dt.date  # min(last, D)

    @classmethod
    def of(cls, req: FigureRequest) -> Window:
        months = months_between(req.date_from, req.date_to)
        first = month_first_last(months[0])[0]
        last = month_first_last(months[-1])[1]
        return cls(months, first, last, min(last, req.as_of))


# --------------------------------------------------------------------------- employments


# --------------------------------------------------------------------------- worked pieces


def clip_at(frame: pl.DataFrame, cut: dt.datetime) -> pl.DataFrame:
    """Intervals up to the instant ``cut``: later rows dropped, a row across it cut there with
    its break in proportion (what ``split_at_as_of`` keeps before the cut, without the split)."""
    cut_lit = pl.lit(cut).dt.convert_time_zone(TZ).dt.cast_time_unit("us")
    whole = (pl.col("end") - pl.col("start")).dt.total_microseconds().cast(pl.Float64)
    kept = (cut_lit - pl.col("start")).dt.total_microseconds().cast(pl.Float64)
    across = pl.col("end") > cut_lit
    return frame.filter(pl.col("start") < cut_lit).with_columns(
        pl.when(across)
        .then(pl.col("break_minutes").cast(pl.Float64) * kept / whole)
        .otherwise(pl.col("break_minutes").cast(pl.Float64))
        .alias("break_minutes"),
        pl.when(across).then(cut_lit).otherwise(pl.col("end")).alias("end"),
    )


def worked_ob_pieces(
    frames: Frames, settings: FigureSettings, first: dt.date, last_fact: dt.date
) -> pl.DataFrame:
    """Worked time of ``first``..``last_fact`` (up to D) in pieces of one date and OB category.

    Columns of worked plus ``hours``, ``date``, ``ob_category``, ``month``, ``counted_hours``,
    the employment in force (:func:`timbalans.figures.staff.employment_on`) and ``category``
    (``ordinary``/``additional``/``overtime``/``hourly``/``other``, as in the overtime table).
    """
    if last_fact < first:
        worked = frames.worked.clear()
    else:
        worked = overlapping(frames.worked, first, last_fact)
    worked = clip_at(worked, midnight_after(last_fact))
    pieces = ob_split(worked, settings.rates.ob_windows)
    pieces = pieces.filter(
        (pl.col("date") >= pl.lit(first, pl.Date)) & (pl.col("date") <= pl.lit(last_fact, pl.Date))
    )
    pieces = pieces.with_columns(
        month_labels(pieces["date"]).alias("month"),
        (pl.col("hours") * counting_factor(settings)).alias("counted_hours"),
    )
    pieces = concurrent_split(frames, employment_on(frames, pieces))
    t, form = pl.col("time_type"), pl.col("form_class")
    category = (
        pl.when(form == "hourly")
        .then(pl.lit("hourly"))
        .when((t == "ordinary") & (form == "monthly"))
        .then(pl.lit("ordinary"))
        .when((t == "additional") & (form == "monthly"))
        .then(pl.lit("additional"))
        .when(t.is_in(["overtime_simple", "overtime_qualified"]) & (form == "monthly"))
        .then(pl.lit("overtime"))
        .otherwise(pl.lit("other"))
    )
    return pieces.with_columns(category.alias("category"))


def _case_units(frames: Frames) -> pl.DataFrame:
    return frames.cases.select("case_id", "unit_id")


def worked_cost_parts(frames: Frames, pieces: pl.DataFrame, rates: RateSet) -> pl.DataFrame:
    """Cost of worked time (wages, OB) and its social fees on the pieces' cases, summed per
    case, month, column and structural (:data:`SUM_SCHEMA`).

    ``pieces`` carry ``__fee``, the social fee rate of their date: each piece's fee is its
    amount × that rate before the sum, so a rate that changes inside a month applies from its
    date.
    """
    priced = with_ob_amount(
        rates.join(
            pieces,
            {
                "__hp": "holiday_pay_rate",
                "__ots": "overtime_factor_simple",
                "__otq": "overtime_factor_qualified",
                "__oc": "on_call_pay",
                "__sb": "standby_pay",
            },
        ),
        rates,
    )
    cat, t = pl.col("category"), pl.col("time_type")
    structural = pl.col("structural").fill_null(False)
    wage = (
        pl.when(cat == "ordinary")
        .then(pl.col("cost_basis") * pl.col("hours"))
        .when(cat == "additional")
        .then(pl.col("cost_basis") * pl.col("hours"))
        .when(cat == "overtime")
        .then(
            pl.col("cost_basis")
            * pl.col("hours")
            * pl.when(t == "overtime_simple").then(pl.col("__ots")).otherwise(pl.col("__otq"))
        )
        .when(cat == "hourly")
        .then(pl.col("hourly_wage") * (1 + pl.col("__hp")) * pl.col("counted_hours"))
        .when((pl.col("form_class") == "monthly") & (t == "on_call"))
        .then(pl.col("__oc") * pl.col("hours"))
        .when((pl.col("form_class") == "monthly") & (t == "standby"))
        .then(pl.col("__sb") * pl.col("hours"))
        .otherwise(pl.lit(0.0))
        .fill_null(0.0)
    )
    column = (
        pl.when(structural & cat.is_in(["ordinary"]))
        .then(pl.lit("training_reassignment"))
        .when(cat == "ordinary")
        .then(pl.lit("salary_monthly"))
        .when(cat == "additional")
        .then(pl.lit("additional_hours"))
        .when(cat == "overtime")
        .then(pl.lit("overtime"))
        .when(cat == "hourly")
        .then(pl.lit("salary_hourly"))
        .otherwise(pl.lit("other_staff"))
    )
    ob_eligible = t.is_in(list(OB_TIME_TYPES)) & pl.col("form_class").is_not_null()
    ob = pl.when(ob_eligible).then(pl.col("ob_amount") * pl.col("hours")).otherwise(0.0)
    sums = (
        priced.lazy()
        .select(
            "case_id",
            "month",
            column.alias("column"),
            structural.alias("structural"),
            wage.alias("w"),
            ob.alias("ob"),
            "__fee",
        )
        .group_by("case_id", "month", "column", "structural")
        .agg(
            pl.col("w").sum(),
            (pl.col("w") * pl.col("__fee")).sum().alias("w_fee"),
            pl.col("ob").sum(),
            (pl.col("ob") * pl.col("__fee")).sum().alias("ob_fee"),
        )
        .join(_case_units(frames).lazy(), on="case_id", how="left")
        .collect()
    )
    key = ["case_id", "unit_id", "month"]
    parts = pl.concat(
        [
            sums.select(
                *key, "column", "structural", pl.col("w").alias("amount"), pl.col("w_fee")
            ).rename({"w_fee": "fee_amount"}),
            sums.select(
                *key,
                pl.lit("ob").alias("column"),
                "structural",
                pl.col("ob").alias("amount"),
                pl.col("ob_fee").alias("fee_amount"),
            ),
        ]
    )
    return parts.filter(pl.col("amount") != 0).cast(SUM_SCHEMA)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- salaries and idle


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
    """The idle paid time of the monthly-paid on their home unit, and its social fees.

    :data:`SUM_SCHEMA` with ``case_id`` "". ``pieces`` carry ``__fee`` (as in
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
    # Salary not paid for unpaid absence: hours by capacity's rule × cost basis that day.
    absent = absence_day_hours(frames, window.first, window.last_fact, types=UNPAID_ABSENCE_TYPES)
    absent = employment_on(frames, absent.select("employee_id", "date", "month", "hours"))
    absent = rates.join(
        absent.filter(pl.col("form_class") == "monthly"), {"fee": "social_fee_rate"}
    ).select(
        "employee_id",
        "month",
        "date",
        "structural",
        (-pl.col("hours") * pl.col("cost_basis")).fill_null(0.0).alias("amount"),
        "fee",
    )
    charged = pieces.filter(pl.col("category") == "ordinary").select(
        "employee_id",
        "month",
        "date",
        "structural",
        (-pl.col("cost_basis") * pl.col("hours")).fill_null(0.0).alias("amount"),
        pl.col("__fee").alias("fee"),
    )
    # The deduction never takes more than the month's salary of that status.
    per = ["employee_id", "month", "structural"]
    paid = salary.group_by(per).agg(pl.col("amount").sum().alias("paid"))
    absent = (
        absent.join(paid, on=per, how="left")
        .with_columns(pl.col("paid").fill_null(0.0))
        .sort([*per, "date"])
        .with_columns(pl.col("amount").cum_sum().over(per).alias("__cum"))
        .with_columns(
            (
                pl.max_horizontal(pl.col("__cum"), -pl.col("paid"))
                - pl.max_horizontal(
                    pl.col("__cum").shift(1).over(per).fill_null(0.0), -pl.col("paid")
                )
            ).alias("amount")
        )
        .select(salary.columns)
    )
    moves = pl.concat([salary, absent, charged]).join(home, on="employee_id", how="inner")
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
            "amount",
            pl.col("fee").alias("__fee"),
        )
    )


def summed_parts(parts: pl.DataFrame) -> pl.DataFrame:
    """Parts with ``__fee`` (the fee rate of each amount's date) summed into
    :data:`SUM_SCHEMA`: per case, unit, month, column and structural."""
    return (
        parts.group_by("case_id", "unit_id", "month", "column", "structural")
        .agg(
            pl.col("amount").sum(),
            (pl.col("amount") * pl.col("__fee")).sum().alias("fee_amount"),
        )
        .select(list(SUM_SCHEMA))
        .cast(SUM_SCHEMA)  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- sick pay


def sick_pay_parts(frames: Frames, window: Window, rates: RateSet, as_of: dt.date) -> pl.DataFrame:
    """Sick pay (before fees) for lost planned hours on days 1–14, on the lost shift's case."""
    empty = pl.DataFrame(schema=PART_SCHEMA)
    if window.last_fact < window.first:
        return empty
    from timbalans.figures.absence import spells_up_to

    days = sick_days(spells_up_to(frames, as_of)).filter(pl.col("day_number") <= SICK_PAY_DAYS)
    if days.height == 0:
        return empty
    sick = (
        frames.absences.filter(
            (pl.col("type") == "sick")
            & (pl.col("start") < local_midnight(pl.lit(as_of + dt.timedelta(days=1), pl.Date)))
        )
        .with_row_index("absence_row")
        .filter(pl.col("end") > pl.col("start"))
    )
    shifts = frames.shifts.filter(
        (pl.col("kind") == "assistance") & pl.col("employee_id").is_not_null()
    ).with_row_index("shift_row")
    pairs = interval_pairs(
        sick, shifts, on=["employee_id"], left_id="absence_row", right_id="shift_row"
    )
    if pairs.height == 0:
        return empty
    d_end = local_midnight(pl.lit(as_of + dt.timedelta(days=1), pl.Date))
    whole = (pl.col("s_end") - pl.col("s_start")).dt.total_microseconds().cast(pl.Float64)
    lost = (
        pairs.join(
            shifts.select(
                "shift_row",
                "case_id",
                pl.col("start").alias("s_start"),
                pl.col("end").alias("s_end"),
                pl.col("break_minutes").cast(pl.Float64).fill_null(0.0),
            ),
            on="shift_row",
        )
        .join(
            sick.select("absence_row", "employee_id", pl.col("extent_percent").fill_null(100.0)),
            on="absence_row",
        )
        .with_columns(
            pl.col("ov_start").alias("start"),
            pl.min_horizontal(pl.col("ov_end"), d_end).alias("end"),
        )
        .filter(pl.col("end") > pl.col("start"))
        .with_columns(
            (
                pl.col("break_minutes")
                * (pl.col("end") - pl.col("start")).dt.total_microseconds().cast(pl.Float64)
                / whole
            ).alias("break_minutes")
        )
        .select("employee_id", "case_id", "start", "end", "break_minutes", "extent_percent")
    )
    pieces = ob_split(lost, rates.ob_windows)  # cut at midnight (and OB edges): one date each
    pieces = (
        pieces.join(
            days.select("employee_id", "date", "sick_period_no", "day_number"),
            on=["employee_id", "date"],
            how="inner",
        )
        .with_columns((pl.col("hours") * pl.col("extent_percent") / 100).alias("hours"))
        .filter(pl.col("date") <= pl.lit(as_of, pl.Date))
    )
    pieces = employment_on(frames, pieces)
    pieces = rates.join(
        pieces,
        {
            "__share": "sick_pay_share",
            "__hp": "holiday_pay_rate",
            "__pct": "qualifying_deduction_pct_of_week",
        },
    )
    basis = (
        pl.when(pl.col("form_class") == "monthly")
        .then(pl.col("cost_basis"))
        .otherwise(pl.col("hourly_wage") * (1 + pl.col("__hp")))
    )
    period = ["employee_id", "sick_period_no"]
    pieces = pieces.with_columns(
        (pl.col("__share") * basis * pl.col("hours")).fill_null(0.0).alias("pay")
    )
    first_day = (
        pieces.sort([*period, "date", "start"])
        .group_by(period)
        .agg(
            pl.col("date").first().alias("first_date"),
            pl.col("form_class").first(),
            pl.col("cost_basis").first(),
            pl.col("employment_rate").first(),
            pl.col("full_time_hours_per_week").first(),
            pl.col("__share").first(),
            pl.col("__pct").first(),
            pl.col("pay")
            .filter(pl.col("day_number") <= HOURLY_DEDUCTION_WEEK_DAYS)
            .sum()
            .alias("week_pay"),
        )
        .select(
            *period,
            (
                pl.col("__pct")
                / 100
                * pl.when(pl.col("form_class") == "monthly")
                .then(
                    pl.col("__share")
                    * pl.col("cost_basis")
                    * pl.col("employment_rate")
                    / 100
                    * pl.col("full_time_hours_per_week")
                )
                .otherwise(pl.col("week_pay"))
            )
            .fill_null(0.0)
            .alias("deduction"),
        )
    )
    net = (
        pieces.join(first_day, on=period, how="left")
        .sort([*period, "date", "start"])
        .with_columns(
            pl.min_horizontal(pl.col("pay").cum_sum().over(period), pl.col("deduction")).alias(
                "__taken"
            )
        )
        .with_columns(
            (
                pl.col("pay")
                - (pl.col("__taken") - pl.col("__taken").shift(1).over(period).fill_null(0.0))
            ).alias("amount")
        )
        .filter(
            (pl.col("date") >= pl.lit(window.first, pl.Date))
            & (pl.col("date") <= pl.lit(window.last_fact, pl.Date))
        )
        .join(_case_units(frames), on="case_id", how="inner")
    )
    return net.select(
        "case_id",
        "unit_id",
        pl.col("date").dt.strftime("%Y-%m").alias("month"),
        "date",
        pl.lit("sick_pay").alias("column"),
        "amount",
        pl.col("structural").fill_null(False),
    ).cast(PART_SCHEMA)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- revenue


def revenue_periods(frames: Frames, window: Window) -> pl.DataFrame:
    """The settlement periods of the visible cases that overlap the window's months."""
    return periods_overlapping(
        case_settlement_periods(frames, window.last), window.first, window.last
    ).join(_case_units(frames).select("case_id"), on="case_id", how="semi")


def pieces_from(window: Window, periods: pl.DataFrame) -> dt.date:
    """The first day worked time is needed from: the cap counts a period's hours from its
    start, also before the requested months."""
    return min([window.first, *periods["period_start"].to_list()])


def revenue_by_month(
    frames: Frames,
    req: FigureRequest,
    window: Window,
    *,
    periods: pl.DataFrame | None = None,
    pieces: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Computed revenue and unpaid hours per case and month (see the module docstring).

    ``case_id``, ``month``, ``computed_revenue``, ``paid_hours``, ``unpaid_hours``.
    ``pieces`` (:func:`worked_ob_pieces` from :func:`pieces_from`) may be given to save
    splitting the worked time twice.
    """
    out_schema = {
        "case_id": pl.String,
        "month": pl.String,
        "computed_revenue": pl.Float64,
        "paid_hours": pl.Float64,
        "unpaid_hours": pl.Float64,
    }
    rates = req.settings.rates
    if window.last_fact < window.first:
        return pl.DataFrame(schema=out_schema)
    if periods is None:
        periods = revenue_periods(frames, window)
    if pieces is None:
        pieces = worked_ob_pieces(
            frames, req.settings, pieces_from(window, periods), window.last_fact
        )
    # One row per case and day: every hour of a day has the day's rate and the same period, so
    # capping the days in order gives each month exactly what capping the hours would.
    pieces = pieces.group_by("case_id", "date").agg(
        pl.col("month").first(), pl.col("counted_hours").sum()
    )
    pieces = pieces.sort("date").join_asof(
        periods.select("case_id", "period_start", "period_end", "granted_hours").sort(
            "period_start"
        ),
        left_on="date",
        right_on="period_start",
        by="case_id",
        strategy="backward",
        check_sortedness=False,
    )
    in_period = pl.col("period_end").is_not_null() & (pl.col("date") <= pl.col("period_end"))
    pkey = ["case_id", "period_start"]
    pieces = (
        pieces.with_columns(pl.when(in_period).then(pl.col("period_start")).alias("period_start"))
        .sort("case_id", "period_start", "date")
        .with_columns(pl.col("counted_hours").cum_sum().over(pkey).alias("__cum"))
        .with_columns(
            pl.when(pl.col("period_start").is_null())
            .then(0.0)
            .otherwise(
                (
                    pl.min_horizontal("__cum", "granted_hours")
                    - pl.min_horizontal(pl.col("__cum") - pl.col("counted_hours"), "granted_hours")
                ).clip(lower_bound=0.0)
            )
            .alias("paid_hours")
        )
    )
    decisions = normalize_decisions(frames.decisions, horizon=window.last).select(
        "case_id", "valid_from", "payer", "hourly_rate"
    )
    priced = rates.join(
        pieces.sort("date").join_asof(
            decisions.sort("valid_from"),
            left_on="date",
            right_on="valid_from",
            by="case_id",
            strategy="backward",
            check_sortedness=False,
        ),
        {
            "__std": "standard_hourly_rate",
            "__mun": "municipal_hourly_rate",
            "__cap": "raised_rate_cap_pct",
        },
    )
    fk = pl.col("payer").fill_null(FK) == FK
    rate = (
        pl.when(pl.col("hourly_rate").is_not_null() & fk)
        .then(pl.min_horizontal("hourly_rate", pl.col("__std") * (1 + pl.col("__cap") / 100)))
        .when(pl.col("hourly_rate").is_not_null())
        .then(pl.col("hourly_rate"))
        .when(fk)
        .then(pl.col("__std"))
        .otherwise(pl.col("__mun"))
    )
    return (
        priced.filter(pl.col("date") >= pl.lit(window.first, pl.Date))
        .group_by(KEY)
        .agg(
            (pl.col("paid_hours") * rate).sum().alias("computed_revenue"),
            pl.col("paid_hours").sum(),
            (pl.col("counted_hours") - pl.col("paid_hours")).sum().alias("unpaid_hours"),
        )
        .cast(out_schema)  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- ledger


def ledger_by_row(frames: Frames, window: Window) -> pl.DataFrame:
    """Ledger sums per row: ``case_id`` ("" for the unit's own rows), ``unit_id``, ``month``,
    ``led_revenue``, ``led_cost_<category>``, ``led_structural``."""
    ledger = frames.ledger.filter(pl.col("month").is_in(window.months))
    mapping = account_categories(ledger["account"], frames.accounts)
    units = frames.units.group_by("cost_center").agg(pl.col("unit_id").min())
    rows = (
        ledger.join(mapping, on="account", how="left")
        .join(_case_units(frames).rename({"unit_id": "case_unit"}), on="case_id", how="left")
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


# --------------------------------------------------------------------------- the table


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


def _share(col: str) -> pl.Expr:
    return pl.when(pl.col("worked_hours") > 0).then(pl.col(col) / pl.col("worked_hours"))


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
        revenue.select(KEY).join(_case_units(frames), on="case_id").select(ROW_KEY),
        drivers.select(KEY).join(_case_units(frames), on="case_id").select(ROW_KEY),
    ]
    if granted is not None:
        case_keys.append(
            granted.join(months, on="month").join(_case_units(frames), on="case_id").select(ROW_KEY)
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
            _share("cost_total").alias("cost_per_hour"),
            _share("revenue").alias("revenue_per_hour"),
            _share("__hourly").alias("hourly_staff_share"),
            _share("__overtime").alias("overtime_share"),
            _share("__ob").alias("ob_share"),
        )
    )
    return table.select(COLUMNS).sort("unit_id", "case_id", "month")


# --------------------------------------------------------------------------- portfolio


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
            _share("cost_total").alias("cost_per_hour"),
            _share("revenue").alias("revenue_per_hour"),
            *[_share(c).alias(c) for c in ("hourly_staff_share", "overtime_share", "ob_share")],
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


__all__ = [
    "COLUMNS",
    "COST_CATEGORIES",
    "UNALLOCATED",
    "case_economics",
    "case_results",
    "portfolio_summary",
]
