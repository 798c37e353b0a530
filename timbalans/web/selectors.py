"""Reads for the pages: each page's figures, always scoped by the user's units here.

Figure tables come from ``records.figure_cache.figure_table`` (cached per data version), so a
page never recomputes what did not change; the compositions of the busiest pages (overview,
case list, case page) are cached too (``records.figure_cache.figure_result_cached``), keyed by
everything they read from the user's access besides the data version, after the access
checks, which run on every request. Nothing in a template filters by unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.http import Http404

from timbalans.accounts.access import Access
from timbalans.figures.case_days import case_days, case_staff
from timbalans.figures.registry import FigureRequest
from timbalans.records import figure_cache
from timbalans.records import models as m
from timbalans.records import selectors as records
from timbalans.web.filters import Filters

ECONOMICS = "case-economics"


def units_visible(*, access: Access) -> list[dict[str, str]]:
    units = m.Unit.objects.order_by("unit_id").values_list("unit_id", "name", "cost_center")
    return [{"unit_id": u, "name": n, "cost_center": c} for u, n, c in units if access.sees_unit(u)]


def unit_scope(*, access: Access, filters: Filters) -> set[str] | None:
    """The units a figure may include: the user's, narrowed by the unit filter."""
    if filters.unit:
        if not access.sees_unit(filters.unit):
            raise PermissionDenied
        return {filters.unit}
    return None if access.unit_ids is None else set(access.unit_ids)


def figure_request(
    *, filters: Filters, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> FigureRequest:
    return FigureRequest.make(
        filters.as_of,
        date_from=date_from,
        date_to=date_to,
        settings=records.figure_settings_load(),
    )


def settings_used(*, access: Access) -> dict[str, Any]:
    """What the exports name as the settings and rates behind their figures; the rates
    (wages, fees, compensation) are economics, left out for those who see none."""
    settings = records.figure_settings_load()
    used: dict[str, Any] = {"settings": settings.describe()}
    if access.sees_economics:
        used["rates"] = settings.rates
    return used


def figure(
    name: str,
    *,
    access: Access,
    filters: Filters,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    cases: set[str] | None = None,
) -> pl.DataFrame:
    """One figure table for this user: rows of visible units (and the given cases) only."""
    req = figure_request(filters=filters, date_from=date_from, date_to=date_to)
    units = unit_scope(access=access, filters=filters)
    return figure_cache.figure_table(name=name, request=req, units=units, cases=cases)


# ---------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class Overview:
    as_of: dt.date
    overtime_ytd: float
    overtime_baseline_ytd: float
    overtime_change_pct: float | None
    overtime_goal_pct: float | None
    monthly_overtime: pl.DataFrame
    status_counts: dict[str, int]
    periods_over: int
    periods_under: int
    unused_hours: float
    unused_cost: float
    bought_hours: float
    sick_rate_pct: float | None
    result_ytd: float | None
    deficit_cases: int | None
    deficit_sum: float | None
    cases_total: int
    result_by_unit: pl.DataFrame | None
    # The year-end forecast of the cost centres in view (forecast) and their budget
    year_result: float | None = None
    year_budget: float | None = None


def _sum(frame: pl.DataFrame, col: str) -> float:
    return float(frame[col].sum()) if col in frame.columns and frame.height else 0.0


def access_key(access: Access, filters: Filters) -> tuple[object, ...]:
    """What a composition reads from the user: the units in scope and the rights that change
    its content (checked here first: a unit outside the user's raises PermissionDenied)."""
    scope = unit_scope(access=access, filters=filters)
    return (
        None if scope is None else frozenset(scope),
        access.sees_economics,
        access.sees_employee_names,
    )


def overview(*, access: Access, filters: Filters) -> Overview:
    """The overview's figures, cached per data version, filters and access."""
    return figure_cache.figure_result_cached(
        key=("overview", filters, access_key(access, filters)),
        compute=lambda: _overview(access=access, filters=filters),
    )


def _overview(*, access: Access, filters: Filters) -> Overview:
    start, end = filters.year_start, filters.as_of
    ot = figure("overtime", access=access, filters=filters, date_from=start, date_to=end)
    monthly = (
        ot.group_by("month")
        .agg(pl.col("overtime_hours", "baseline_overtime_hours").sum())
        .sort("month")
    )
    ot_ytd = _sum(monthly, "overtime_hours")
    base_ytd = _sum(monthly, "baseline_overtime_hours")
    settings = records.figure_settings_load()
    hb = figure("hour-balance", access=access, filters=filters)
    counts = dict(hb.group_by("status").len().iter_rows()) if hb.height else {}
    cap = figure("capacity", access=access, filters=filters, date_from=start, date_to=end)
    ab = figure("absence", access=access, filters=filters, date_from=start, date_to=end)
    ordinary = _sum(ab, "ordinary_hours")
    result = deficit_n = deficit_sum = None
    year_result = year_budget = None
    by_unit = None
    if access.sees_economics:
        ce = figure(ECONOMICS, access=access, filters=filters, date_from=start, date_to=end)
        per_case = (
            ce.filter(pl.col("case_id") != "").group_by("case_id").agg(pl.col("result").sum())
        )
        result = _sum(ce, "result")
        deficits = per_case.filter(pl.col("result") < 0)
        deficit_n, deficit_sum = deficits.height, _sum(deficits, "result")
        by_unit = ce.group_by("unit_id").agg(pl.col("result").sum()).sort("unit_id")
        centres = figure("forecast", access=access, filters=filters).filter(
            pl.col("level") == "cost_center"
        )
        year_result = _sum(centres, "year_result")
        if centres.height and centres["budget"].is_not_null().any():
            year_budget = _sum(centres, "budget")
    return Overview(
        as_of=filters.as_of,
        overtime_ytd=ot_ytd,
        overtime_baseline_ytd=base_ytd,
        overtime_change_pct=100 * (ot_ytd - base_ytd) / base_ytd if base_ytd else None,
        overtime_goal_pct=settings.goal_for(filters.as_of.year),
        monthly_overtime=monthly,
        status_counts=counts,
        periods_over=int(hb.filter(pl.col("status") == "over").height) if hb.height else 0,
        periods_under=int(hb.filter(pl.col("status") == "under").height) if hb.height else 0,
        unused_hours=_sum(cap, "unused_hours"),
        unused_cost=_sum(cap, "unused_cost"),
        bought_hours=_sum(cap, "hourly_staff_hours")
        + _sum(cap, "additional_hours")
        + _sum(cap, "overtime_hours"),
        sick_rate_pct=100 * _sum(ab, "sick_hours") / ordinary if ordinary else None,
        result_ytd=result,
        deficit_cases=deficit_n,
        deficit_sum=deficit_sum,
        cases_total=int(hb["case_id"].n_unique()) if hb.height else 0,
        result_by_unit=by_unit,
        year_result=year_result,
        year_budget=year_budget,
    )


# ---------------------------------------------------------------------------- cases

CASE_LIST_COLUMNS = [
    "case_id",
    "unit_id",
    "period_start",
    "period_end",
    "status",
    "granted_hours",
    "forecast_hours",
    "forecast_deviation_hours",
    "forecast_deviation_pct",
    "required_hours_per_week",
    "unpaid_hours",
    "result",
    "cost_per_hour",
    "revenue_per_hour",
    "hourly_staff_share",
    "overtime_share",
]


def case_list(*, access: Access, filters: Filters, status: str = "") -> pl.DataFrame:
    """One row per case and current settlement period, with the year-to-date economics
    (cached per data version, filters, status and access)."""
    return figure_cache.figure_result_cached(
        key=("case-list", filters, status, access_key(access, filters)),
        compute=lambda: _case_list(access=access, filters=filters, status=status),
    )


def _case_list(*, access: Access, filters: Filters, status: str) -> pl.DataFrame:
    hb = figure("hour-balance", access=access, filters=filters)
    if status:
        hb = hb.filter(pl.col("status") == status)
    if access.sees_economics:
        ce = figure(
            ECONOMICS,
            access=access,
            filters=filters,
            date_from=filters.year_start,
            date_to=filters.as_of,
        ).filter(pl.col("case_id") != "")
        per_case = (
            ce.group_by("case_id")
            .agg(
                pl.col("result", "cost_total", "revenue", "worked_hours").sum(),
                (pl.col("hourly_staff_share") * pl.col("worked_hours")).sum().alias("_hourly"),
                (pl.col("overtime_share") * pl.col("worked_hours")).sum().alias("_overtime"),
            )
            .with_columns(
                pl.when(pl.col("worked_hours") > 0)
                .then(pl.col(c) / pl.col("worked_hours"))
                .alias(a)
                for c, a in [
                    ("cost_total", "cost_per_hour"),
                    ("revenue", "revenue_per_hour"),
                    ("_hourly", "hourly_staff_share"),
                    ("_overtime", "overtime_share"),
                ]
            )
            .select(
                "case_id",
                "result",
                "cost_per_hour",
                "revenue_per_hour",
                "hourly_staff_share",
                "overtime_share",
            )
        )
        hb = hb.join(per_case, on="case_id", how="left")
    return hb.sort(["unit_id", "case_id"])


def case_unit(*, access: Access, case_id: str) -> str:
    """The case's unit; 404 for a case that does not exist or that the user may not see
    (the same answer, so a guessed URL reveals nothing)."""
    unit = m.Case.objects.filter(case_id=case_id).values_list("unit__unit_id", flat=True).first()
    if unit is None or not access.sees_unit(unit):
        raise Http404
    return unit


@dataclass(frozen=True)
class CasePage:
    case_id: str
    unit_id: str
    periods: pl.DataFrame
    current: dict[str, Any] | None
    days: pl.DataFrame | None
    economics: pl.DataFrame | None
    staff: pl.DataFrame
    staff_names: dict[str, str]
    # The cache key it was composed under: names everything its tables depend on.
    key: Hashable = None


def case_page(*, access: Access, filters: Filters, case_id: str) -> CasePage:
    """The case page's figures (404 unless the user sees the case), cached per data version,
    case, D, month range and access."""
    unit = case_unit(access=access, case_id=case_id)
    scoped = Filters(as_of=filters.as_of)
    key: Hashable = (
        "case-page",
        case_id,
        unit,
        filters.as_of,
        filters.months_from,
        access_key(access, scoped),
    )
    return figure_cache.figure_result_cached(
        key=key,
        compute=lambda: _case_page(
            access=access, filters=filters, case_id=case_id, unit=unit, key=key
        ),
    )


def _case_page(
    *, access: Access, filters: Filters, case_id: str, unit: str, key: Hashable
) -> CasePage:
    scoped = Filters(as_of=filters.as_of)
    periods = figure(
        "hour-balance",
        access=access,
        filters=scoped,
        date_from=filters.months_from,
        date_to=filters.as_of,
        cases={case_id},
    ).sort("period_start")
    current_rows = periods.filter(
        (pl.col("period_start") <= filters.as_of) & (pl.col("period_end") >= filters.as_of)
    )
    current = current_rows.row(0, named=True) if current_rows.height else None
    frames = figure_cache.frames_cached(units={unit}, cases={case_id})
    settings = records.figure_settings_load()
    days = None
    if current is not None:
        days = case_days(
            frames,
            case_id=case_id,
            period_start=current["period_start"],
            period_end=current["period_end"],
            as_of=filters.as_of,
            settings=settings,
        )
    economics = None
    if access.sees_economics:
        economics = figure(
            ECONOMICS,
            access=access,
            filters=scoped,
            date_from=filters.months_from,
            date_to=filters.as_of,
            cases={case_id},
        )
        # The case's own rows: without this the unit-level rows (case_id "", costs booked on
        # no case) of every unit in scope would be listed as the case's.
        economics = economics.filter(pl.col("case_id") == case_id).sort("month")
    staff = case_staff(
        frames,
        case_id=case_id,
        date_from=filters.months_from,
        date_to=filters.as_of,
        as_of=filters.as_of,
    )
    names: dict[str, str] = {}
    if access.sees_employee_names:
        names = dict(
            m.Employee.objects.filter(employee_id__in=staff["employee_id"].to_list()).values_list(
                "employee_id", "name"
            )
        )
    return CasePage(
        case_id=case_id,
        unit_id=unit,
        periods=periods,
        current=current,
        days=days,
        economics=economics,
        staff=staff,
        staff_names=names,
        key=key,
    )


def cumulative_series(days: pl.DataFrame, *, as_of: dt.date, granted: float) -> pl.DataFrame:
    """Cumulative worked hours to D, the forecast after D, and the even pace to ``granted``
    from the last worked day (what the case must average to land on target)."""
    cum = days.with_columns(
        pl.col("worked_hours").cum_sum().alias("worked_cum"),
        (pl.col("worked_hours") + pl.col("planned_remaining_hours")).cum_sum().alias("all_cum"),
    )
    done = cum.filter(pl.col("date") <= as_of)
    ahead = cum.filter(pl.col("date") >= as_of)
    rows: list[dict[str, Any]] = [
        {"date": r["date"], "kind": "Utfört", "hours": r["worked_cum"]}
        for r in done.iter_rows(named=True)
    ]
    rows += [
        {"date": r["date"], "kind": "Prognos", "hours": r["all_cum"]}
        for r in ahead.iter_rows(named=True)
    ]
    if ahead.height:
        start = ahead.row(0, named=True)
        end_day = days["date"].max()
        rows.append(
            {"date": start["date"], "kind": "Takt till målet", "hours": start["worked_cum"]}
        )
        rows.append({"date": end_day, "kind": "Takt till målet", "hours": granted})
    return pl.DataFrame(rows, schema={"date": pl.Date, "kind": pl.String, "hours": pl.Float64})


# Economics (results, costs, revenue in kronor) are not for every role: a column is economics
# by its name, so a table that gains a cost column hides it from the coordinator unasked.
_ECONOMIC_NAME = re.compile(r"(?:^|_)(?:cost|revenue|result|sek)(?:_|$)")


def economic_column(name: str) -> bool:
    """Whether a figure column is economics (``unused_cost``, ``result_ytd``, ...)."""
    return _ECONOMIC_NAME.search(name) is not None


def columns_seen(*, access: Access, columns: Iterable[str]) -> list[str]:
    """The columns of a table this user sees: without economics for the coordinator."""
    return [c for c in columns if access.sees_economics or not economic_column(c)]


def employees_visible(*, access: Access, employee_ids: Iterable[str]) -> set[str]:
    """Of ``employee_ids``, those this user may see: for a unit manager the staff of her
    units and staff who worked or are planned in her units' cases (whom her case pages show
    too); for the roles of every unit, all of them."""
    ids = set(employee_ids)
    if access.unit_ids is None or not ids:
        return ids
    units = sorted(access.unit_ids)
    home = m.Employee.objects.filter(employee_id__in=ids, unit__unit_id__in=units)
    seen = set(home.values_list("employee_id", flat=True))
    for model in (m.Worked, m.Shift):
        rows = model.objects.filter(
            employee__employee_id__in=ids - seen,
            case__unit__unit_id__in=units,
            replaced_by__isnull=True,
        )
        seen |= set(rows.values_list("employee__employee_id", flat=True).distinct())
    return seen


def unit_visible(*, access: Access, unit_id: str) -> None:
    """404 for a unit that does not exist or that the user may not see."""
    if not access.sees_unit(unit_id) or not m.Unit.objects.filter(unit_id=unit_id).exists():
        raise Http404


# ---------------------------------------------------------------------------- units

UNIT_SUMMARY_COLUMNS = [
    "unit_id",
    "name",
    "cases",
    "periods_over",
    "periods_under",
    "granted_hours",
    "forecast_deviation_hours",
    "unused_hours",
    "bought_hours",
    "overtime_hours",
    "ytd_change_pct",
    "sick_rate_pct",
    "result_ytd",
]
UNIT_SUMMARY_LABELS = {
    "name": "Namn",
    "cases": "Ärenden",
    "periods_over": "Perioder över",
    "periods_under": "Perioder under",
    "granted_hours": "Beviljade timmar (pågående perioder)",
    "forecast_deviation_hours": "Prognosavvikelse timmar",
    "unused_hours": "Outnyttjad tid hittills i år (timmar)",
    "bought_hours": "Köpt tid hittills i år (timmar)",
    "overtime_hours": "Övertid hittills i år (timmar)",
    "ytd_change_pct": "Förändring övertid mot jämförelseår %",
    "sick_rate_pct": "Sjukfrånvaro hittills i år %",
    "result_ytd": "Resultat hittills i år (kr)",
    "result": "Resultat (kr)",
}


def _per_unit(frame: pl.DataFrame, *aggs: pl.Expr) -> pl.DataFrame:
    return frame.group_by("unit_id").agg(*aggs)


def unit_summary(*, access: Access, filters: Filters) -> pl.DataFrame:
    """One row per visible unit: the current periods, and the year to date."""
    start, end = filters.year_start, filters.as_of
    units = pl.DataFrame(
        units_visible(access=access),
        schema={"unit_id": pl.String, "name": pl.String, "cost_center": pl.String},
    ).select("unit_id", "name")
    if filters.unit:
        units = units.filter(pl.col("unit_id") == filters.unit)
    hb = figure("hour-balance", access=access, filters=filters)
    cap = figure("capacity", access=access, filters=filters, date_from=start, date_to=end)
    ot = figure("overtime", access=access, filters=filters, date_from=start, date_to=end)
    ab = figure("absence", access=access, filters=filters, date_from=start, date_to=end)
    out = (
        units.join(
            _per_unit(
                hb,
                pl.col("case_id").n_unique().alias("cases"),
                (pl.col("status") == "over").sum().alias("periods_over"),
                (pl.col("status") == "under").sum().alias("periods_under"),
                pl.col("granted_hours").sum(),
                pl.col("forecast_deviation_hours").sum(),
            ),
            on="unit_id",
            how="left",
        )
        .join(
            _per_unit(
                cap,
                pl.col("unused_hours").sum(),
                (
                    pl.col("hourly_staff_hours")
                    + pl.col("additional_hours")
                    + pl.col("overtime_hours")
                )
                .sum()
                .alias("bought_hours"),
            ),
            on="unit_id",
            how="left",
        )
        .join(
            _per_unit(
                ot,
                pl.col("overtime_hours").sum(),
                pl.col("baseline_overtime_hours").sum().alias("_base"),
            ),
            on="unit_id",
            how="left",
        )
        .join(
            _per_unit(ab, pl.col("sick_hours").sum(), pl.col("ordinary_hours").sum()),
            on="unit_id",
            how="left",
        )
        .with_columns(
            pl.when(pl.col("_base") > 0)
            .then(100 * (pl.col("overtime_hours") - pl.col("_base")) / pl.col("_base"))
            .alias("ytd_change_pct"),
            pl.when(pl.col("ordinary_hours") > 0)
            .then(100 * pl.col("sick_hours") / pl.col("ordinary_hours"))
            .alias("sick_rate_pct"),
        )
    )
    if access.sees_economics:
        ce = figure(ECONOMICS, access=access, filters=filters, date_from=start, date_to=end)
        out = out.join(
            _per_unit(ce, pl.col("result").sum().alias("result_ytd")), on="unit_id", how="left"
        )
    return out.with_columns(pl.col("cases", "periods_over", "periods_under").fill_null(0))


def unit_months(*, access: Access, filters: Filters) -> pl.DataFrame:
    """One row per month of the year to date for one unit (``filters.unit``)."""
    start, end = filters.months_from, filters.months_to
    cap = figure("capacity", access=access, filters=filters, date_from=start, date_to=end)
    ot = figure("overtime", access=access, filters=filters, date_from=start, date_to=end)
    ab = figure("absence", access=access, filters=filters, date_from=start, date_to=end)
    out = (
        cap.select(
            "month",
            "granted_hours",
            "unused_hours",
            (
                pl.col("hourly_staff_hours") + pl.col("additional_hours") + pl.col("overtime_hours")
            ).alias("bought_hours"),
        )
        .join(
            ot.select("month", "overtime_hours", "overtime_change_pct"),
            on="month",
            how="full",
            coalesce=True,
        )
        .join(ab.select("month", "sick_rate_pct"), on="month", how="full", coalesce=True)
    )
    if access.sees_economics:
        ce = figure(ECONOMICS, access=access, filters=filters, date_from=start, date_to=end)
        out = out.join(
            ce.group_by("month").agg(pl.col("result").sum()), on="month", how="full", coalesce=True
        )
    return out.sort("month")


# ---------------------------------------------------------------------------- sick leave


@dataclass(frozen=True)
class AbsencePeople:
    frame: pl.DataFrame
    names: dict[str, str]
    units: set[str]


def absence_people(*, access: Access, filters: Filters) -> AbsencePeople | None:
    """Sick leave per named employee: only for the employee's unit manager and admin.

    The caller logs the view in the audit trail.
    """
    if not access.sees_health_data:
        return None
    frame = figure("absence-employees", access=access, filters=filters)
    frame = frame.filter(
        pl.col("unit_id").map_elements(access.sees_health_data_of, return_dtype=pl.Boolean)
    )
    names = dict(
        m.Employee.objects.filter(employee_id__in=frame["employee_id"].to_list()).values_list(
            "employee_id", "name"
        )
    )
    return AbsencePeople(frame=frame, names=names, units=set(frame["unit_id"].unique().to_list()))


# ---------------------------------------------------------------------------- working-time limits


@dataclass(frozen=True)
class LimitsPage:
    frame: pl.DataFrame
    names: dict[str, str]


def working_time_limits(*, access: Access, filters: Filters) -> LimitsPage:
    """The limits table for the employees of the user's units (and the unit filter), with
    their names. Computed over every unit: an employee's limits concern all their work,
    also in other units' cases. Only for the roles that lead or schedule staff."""
    if not access.sees_employee_names:
        raise PermissionDenied
    scope = unit_scope(access=access, filters=filters)
    req = figure_request(filters=filters, date_from=filters.months_from, date_to=filters.months_to)
    frame = figure_cache.figure_table(name="limits", request=req)
    if scope is not None:
        frame = frame.filter(pl.col("unit_id").is_in(sorted(scope)))
    names = dict(
        m.Employee.objects.filter(employee_id__in=frame["employee_id"].unique().to_list())
        .exclude(name="")
        .values_list("employee_id", "name")
    )
    return LimitsPage(frame=frame, names=names)
