"""Key figures (nyckeltal): the sums of the figure tables that the overview, the board report
and the action plans show, made in one place so a figure on screen and the same figure in a
document cannot disagree.

Pure functions, no Django: figure tables (polars frames) in, numbers and frames out. Every
function takes the tables by their figure names (``capacity``, ``overtime``, ``absence``,
``hour-balance``, ``case-economics``, ``forecast``) as the caller computed them for one scope
and window; a table the caller did not compute (economics for a role that sees none) is
simply missing.

Missing and NaN: a missing table or column sums to 0 (:func:`total`), or to None where "not
computed" must stay apart from zero (:func:`total_or_none`, what the KPIs use); a NaN is a
missing value, never a number that turns the whole sum into NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

Tables = Mapping[str, pl.DataFrame]

#: Bought hours (köpt tid): what is bought beyond the contracted time of monthly-paid staff,
#: hourly-paid staff, mertid and overtime (columns of ``capacity``).
BOUGHT_HOURS = (
    pl.col("hourly_staff_hours") + pl.col("additional_hours") + pl.col("overtime_hours")
).alias("bought_hours")
BOUGHT_PARTS = ("hourly_staff_hours", "additional_hours", "overtime_hours")

#: The unit table's columns (one row per unit, the year to date and the periods on D), labelled.
UNIT_LABELS = {
    "name": "Namn",
    "cases": "Ärenden",
    "periods_over": "Perioder över",
    "periods_under": "Perioder under",
    "granted_hours": "Beviljade timmar (pågående perioder)",
    "forecast_deviation_hours": "Prognosavvikelse timmar",
    "forecast_over_hours": "Prognos över beviljat (timmar)",
    "forecast_under_hours": "Prognos under beviljat (timmar)",
    "unused_hours": "Outnyttjad tid hittills i år (timmar)",
    "bought_hours": "Köpt tid hittills i år (timmar)",
    "overtime_hours": "Övertid hittills i år (timmar)",
    "ytd_change_pct": "Förändring övertid mot jämförelseår %",
    "sick_rate_pct": "Sjukfrånvaro hittills i år %",
    "result_ytd": "Resultat hittills i år (kr)",
    "result": "Resultat (kr)",
}


def total_or_none(frame: pl.DataFrame | None, column: str) -> float | None:
    """Σ ``column``; None when the table or the column is missing; NaN counts as missing."""
    if frame is None or column not in frame.columns:
        return None
    if not frame.height:
        return 0.0
    values = frame[column]
    if values.dtype.is_float():
        values = values.fill_nan(None)
    return float(values.sum() or 0.0)


def total(frame: pl.DataFrame | None, column: str) -> float:
    """Σ ``column``; 0 when the table or the column is missing; NaN counts as missing."""
    return total_or_none(frame, column) or 0.0


def bought_hours(capacity: pl.DataFrame | None) -> float:
    """Σ bought hours (hourly staff, mertid and overtime) of a ``capacity`` table."""
    return sum(total(capacity, c) for c in BOUGHT_PARTS)


def pct_change(now: float, before: float) -> float | None:
    """100 × (now − before) / before; None without a base."""
    return 100 * (now - before) / before if before else None


def share_pct(part: float, whole: float) -> float | None:
    return 100 * part / whole if whole else None


#: The forecast deviations of the periods above granted and of those below, summed apart:
#: netted, a unit's overruns (hours that will not be paid) vanish in its unused hours.
FORECAST_OVER_HOURS = (
    pl.col("forecast_deviation_hours").clip(lower_bound=0).sum().alias("forecast_over_hours")
)
FORECAST_UNDER_HOURS = (
    pl.col("forecast_deviation_hours").clip(upper_bound=0).sum().alias("forecast_under_hours")
)


def case_results(economics: pl.DataFrame) -> pl.DataFrame:
    """``case_id``, ``result``: the sum per case over the rows given, worst first (the unit's
    unallocated row, case_id "", is not a case)."""
    return (
        economics.filter(pl.col("case_id") != "")
        .group_by("case_id")
        .agg(pl.col("result").sum())
        .sort(["result", "case_id"])
    )


def monthly_overtime(overtime: pl.DataFrame) -> pl.DataFrame:
    """``month``, ``overtime_hours``, ``baseline_overtime_hours``, ``overtime_change_pct``:
    the overtime table summed per month, against the comparison year."""
    return (
        overtime.group_by("month")
        .agg(pl.col("overtime_hours", "baseline_overtime_hours").sum())
        .sort("month")
        .with_columns(
            pl.when(pl.col("baseline_overtime_hours") > 0)
            .then(
                100
                * (pl.col("overtime_hours") - pl.col("baseline_overtime_hours"))
                / pl.col("baseline_overtime_hours")
            )
            .alias("overtime_change_pct")
        )
    )


@dataclass(frozen=True)
class KeyFigures:
    """The key figures of one scope: the year to date (capacity, overtime, absence,
    case-economics), the settlement periods on D (hour-balance) and the year-end forecast.
    The economics and the forecast are None when their table was not computed."""

    # Overcapacity against bought time (capacity)
    contracted_hours: float
    unused_hours: float
    unused_cost: float
    bought_hours: float
    substitutable_hours: float
    # Current settlement periods (hour-balance)
    status_counts: dict[str, int]
    periods_total: int
    periods_over: int
    periods_under: int
    unpaid_hours: float
    # Σ of the positive forecast deviations (≥ 0) and of the negative ones (≤ 0): apart, as
    # netting them hides the overruns; together they are the net deviation.
    forecast_over_hours: float
    forecast_under_hours: float
    period_cases: int  # cases with a current settlement period
    # Overtime (overtime)
    overtime_hours: float
    baseline_overtime_hours: float
    overtime_change_pct: float | None
    # Sick leave (absence)
    ordinary_hours: float
    sick_hours: float
    short_sick_hours: float
    long_sick_hours: float
    sick_pay_cost: float
    sick_rate_pct: float | None
    # Economics (case-economics)
    result: float | None
    result_cases: int | None  # cases with rows of their own
    deficit_cases: int | None
    deficit_sum: float | None  # Σ of the negative results (a negative number)
    # Year-end forecast (forecast, cost-centre rows)
    year_result: float | None
    year_budget: float | None


def key_figures(tables: Tables) -> KeyFigures:
    """The key figures of the tables of one scope (see :class:`KeyFigures`)."""
    cap = tables.get("capacity")
    hb = tables.get("hour-balance")
    ot = tables.get("overtime")
    ab = tables.get("absence")
    ce = tables.get("case-economics")
    forecast = tables.get("forecast")
    counts: dict[str, int] = (
        {str(k): int(v) for k, v in hb.group_by("status").len().iter_rows()}
        if hb is not None and hb.height
        else {}
    )
    overtime_hours = total(ot, "overtime_hours")
    baseline = total(ot, "baseline_overtime_hours")
    ordinary, sick = total(ab, "ordinary_hours"), total(ab, "sick_hours")
    result = result_cases = deficit_cases = deficit_sum = None
    if ce is not None:
        per_case = case_results(ce)
        deficits = per_case.filter(pl.col("result") < 0)
        result = total(ce, "result")
        result_cases, deficit_cases = per_case.height, deficits.height
        deficit_sum = total(deficits, "result")
    deviation_sums = (0.0, 0.0)
    if hb is not None and hb.height:
        sums = hb.select(FORECAST_OVER_HOURS, FORECAST_UNDER_HOURS).fill_null(0.0)
        deviation_sums = (float(sums.item(0, 0)), float(sums.item(0, 1)))
    year_result = year_budget = None
    if forecast is not None:
        centres = forecast.filter(pl.col("level") == "cost_center")
        year_result = total(centres, "year_result")
        # No budget imported is "no budget", not a budget of 0.
        if centres.height and centres["budget"].is_not_null().any():
            year_budget = total(centres, "budget")
    return KeyFigures(
        contracted_hours=total(cap, "contracted_hours"),
        unused_hours=total(cap, "unused_hours"),
        unused_cost=total(cap, "unused_cost"),
        bought_hours=bought_hours(cap),
        substitutable_hours=total(cap, "substitutable_hours"),
        status_counts=counts,
        periods_total=hb.height if hb is not None else 0,
        periods_over=counts.get("over", 0),
        periods_under=counts.get("under", 0),
        unpaid_hours=total(hb, "unpaid_hours"),
        forecast_over_hours=deviation_sums[0],
        forecast_under_hours=deviation_sums[1],
        period_cases=int(hb["case_id"].n_unique()) if hb is not None and hb.height else 0,
        overtime_hours=overtime_hours,
        baseline_overtime_hours=baseline,
        overtime_change_pct=pct_change(overtime_hours, baseline),
        ordinary_hours=ordinary,
        sick_hours=sick,
        short_sick_hours=total(ab, "short_sick_hours"),
        long_sick_hours=total(ab, "long_sick_hours"),
        sick_pay_cost=total(ab, "sick_pay_cost"),
        sick_rate_pct=share_pct(sick, ordinary),
        result=result,
        result_cases=result_cases,
        deficit_cases=deficit_cases,
        deficit_sum=deficit_sum,
        year_result=year_result,
        year_budget=year_budget,
    )


def unit_key_figures(tables: Tables, units: Sequence[Mapping[str, str]]) -> pl.DataFrame:
    """One row per unit of ``units`` (``unit_id``, ``name``) with its key figures:
    ``period_cases``, ``periods_over``, ``periods_under``, ``granted_hours``,
    ``forecast_deviation_hours``, ``forecast_over_hours``, ``forecast_under_hours`` (current
    periods); ``unused_hours``, ``bought_hours``,
    ``overtime_hours``, ``ytd_change_pct``, ``sick_hours``, ``ordinary_hours``,
    ``sick_rate_pct``; with case-economics ``result_ytd``, ``result_cases``,
    ``deficit_cases``. A unit without rows in a table has nulls there; a table not computed
    leaves its columns out."""
    out = pl.DataFrame(
        [{"unit_id": u["unit_id"], "name": u["name"]} for u in units],
        schema={"unit_id": pl.String, "name": pl.String},
    )

    def join(frame: pl.DataFrame | None, *aggs: pl.Expr) -> None:
        nonlocal out
        if frame is not None:
            out = out.join(frame.group_by("unit_id").agg(*aggs), on="unit_id", how="left")

    join(
        tables.get("hour-balance"),
        pl.col("case_id").n_unique().alias("period_cases"),
        (pl.col("status") == "over").sum().alias("periods_over"),
        (pl.col("status") == "under").sum().alias("periods_under"),
        pl.col("granted_hours").sum(),
        pl.col("forecast_deviation_hours").sum(),
        FORECAST_OVER_HOURS,
        FORECAST_UNDER_HOURS,
    )
    join(tables.get("capacity"), pl.col("unused_hours").sum(), BOUGHT_HOURS.sum())
    join(
        tables.get("overtime"),
        pl.col("overtime_hours").sum(),
        pl.col("baseline_overtime_hours").sum().alias("_base"),
    )
    join(tables.get("absence"), pl.col("sick_hours", "ordinary_hours").sum())
    economics = tables.get("case-economics")
    if economics is not None:
        per_case = (
            economics.filter(pl.col("case_id") != "")
            .group_by("unit_id", "case_id")
            .agg(pl.col("result").sum())
        )
        join(economics, pl.col("result").sum().alias("result_ytd"))
        join(
            per_case,
            pl.len().alias("result_cases"),
            (pl.col("result") < 0).sum().alias("deficit_cases"),
        )
    derived = []
    if "_base" in out.columns:
        derived.append(
            pl.when(pl.col("_base") > 0)
            .then(100 * (pl.col("overtime_hours") - pl.col("_base")) / pl.col("_base"))
            .alias("ytd_change_pct")
        )
    if "ordinary_hours" in out.columns:
        derived.append(
            pl.when(pl.col("ordinary_hours") > 0)
            .then(100 * pl.col("sick_hours") / pl.col("ordinary_hours"))
            .alias("sick_rate_pct")
        )
    return out.with_columns(derived).sort("unit_id") if derived else out.sort("unit_id")
