"""Reads for the pages: each page's figures, always scoped by the user's units here.

Figure tables come through ``records.figure_access`` with the scope of the page's filters
(``Filters.scope(access)``) from the figure cache of the current data version, so a
page never recomputes what did not change; the compositions of the busiest pages (overview,
case list, case page, Enheter) are cached too (``records.figure_cache.figure_result_cached``),
keyed by everything they read from the user's access besides the data version, after the
access checks, which run on every request. Nothing in a template filters by unit.
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
from django.utils import timezone

from timbalans.accounts.access import Access
from timbalans.figures import key_figures as kf
from timbalans.figures.hour_balance import worklist_columns
from timbalans.records import figure_cache
from timbalans.records import models as m
from timbalans.records import selectors as records
from timbalans.records.figure_access import (
    case_days_table,
    case_staff_table,
    figure,
    figure_request,
    figure_tables,
    key_figure_specs,
    units_visible,
)
from timbalans.web.filters import Filters

ECONOMICS = "case-economics"


def unit_scope(*, access: Access, filters: Filters) -> set[str] | None:
    """The units a page's own reads may include (None: every unit): the user's, narrowed by
    the unit filter (PermissionDenied for a unit outside the user's)."""
    return filters.scope(access).unit_set


def settings_used(*, access: Access) -> dict[str, Any]:
    """What the exports name as the settings and rates behind their figures; the rates
    (wages, fees, compensation) are economics, left out for those who see none."""
    settings = records.figure_settings_load()
    used: dict[str, Any] = {"settings": settings.describe()}
    if access.sees_economics:
        used["rates"] = settings.rates
    return used


# ---------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class Overview:
    as_of: dt.date
    # The key figures of the scope (``figures.key_figures``), as the board report has them
    figures: kf.KeyFigures
    overtime_goal_pct: float | None
    monthly_overtime: pl.DataFrame
    result_by_unit: pl.DataFrame | None


def access_key(access: Access, filters: Filters) -> tuple[object, ...]:
    """What a composition reads from the user: the units in scope and the rights that change
    its content (checked here first: a unit outside the user's raises PermissionDenied)."""
    return (filters.scope(access).units, access.sees_economics, access.sees_employee_names)


def overview(*, access: Access, filters: Filters) -> Overview:
    """The overview's figures, cached per data version, filters and access."""
    return figure_cache.figure_result_cached(
        key=("overview", filters, access_key(access, filters)),
        compute=lambda: _overview(access=access, filters=filters),
    )


def _overview(*, access: Access, filters: Filters) -> Overview:
    tables = figure_tables(
        scope=filters.scope(access),
        specs=key_figure_specs(as_of=filters.as_of, economics=access.sees_economics),
    )
    ce = tables.get(ECONOMICS)
    return Overview(
        as_of=filters.as_of,
        figures=kf.key_figures(tables),
        overtime_goal_pct=records.figure_settings_load().goal_for(filters.as_of.year),
        monthly_overtime=kf.monthly_overtime(tables["overtime"]).drop("overtime_change_pct"),
        result_by_unit=None
        if ce is None
        else ce.group_by("unit_id").agg(pl.col("result").sum()).sort("unit_id"),
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
    "pace_forecast_hours",
    "forecast_deviation_hours",
    "forecast_deviation_pct",
    "planned_hours_per_week",
    "required_hours_per_week",
    "weekly_change_hours",
    "unpaid_hours",
    "result",
    "cost_per_hour",
    "revenue_per_hour",
    "hourly_staff_share",
    "overtime_share",
]


#: The at-risk order of a case list: the largest forecast above granted first (hours that
#: will not be paid), the largest below last.
CASE_LIST_SORT = "-forecast_deviation_hours"


def case_list(*, access: Access, filters: Filters, status: str = "") -> pl.DataFrame:
    """One row per case and current settlement period, with the year-to-date economics
    (cached per data version, filters, status and access), and the worklist's columns
    (``figures.hour_balance.worklist_columns``). ``pace_forecast_hours`` is kept only where
    the schedule ends before the period (elsewhere it is the forecast, and empty here)."""
    return figure_cache.figure_result_cached(
        key=("case-list", filters, status, access_key(access, filters)),
        compute=lambda: _case_list(access=access, filters=filters, status=status),
    )


def _case_list(*, access: Access, filters: Filters, status: str) -> pl.DataFrame:
    hb = (
        figure("hour-balance", scope=filters.scope(access))
        .with_columns(worklist_columns())
        .with_columns(
            pl.when(pl.col("schedule_missing")).then(pl.col("pace_forecast_hours")),
        )
    )
    if status:
        hb = hb.filter(pl.col("status") == status)
    if access.sees_economics:
        ce = figure(
            ECONOMICS,
            scope=filters.scope(access),
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


def cases_visible(*, access: Access) -> list[tuple[str, str]]:
    """(case, unit) of every case the user sees, by case code (a form's list of cases)."""
    cases = m.Case.objects.order_by("case_id").values_list("case_id", "unit__unit_id")
    return [(c, u) for c, u in cases if access.sees_unit(u)]


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
    # The case's rows of the tables of all the user's units: computed once per data version
    # for every case, and shared by the server processes through the figure cache's files,
    # instead of once per case and process. The same rows as the tables of the case alone
    # (sums of several parts can differ in their last bits: they are added in another order).
    scope = Filters(as_of=filters.as_of).scope(access)
    periods = (
        figure("hour-balance", scope=scope, date_from=filters.months_from, date_to=filters.as_of)
        .filter(pl.col("case_id") == case_id)
        .sort("period_start")
    )
    periods = periods.with_columns(worklist_columns())
    current_rows = periods.filter(
        (pl.col("period_start") <= filters.as_of) & (pl.col("period_end") >= filters.as_of)
    )
    current = current_rows.row(0, named=True) if current_rows.height else None
    # Days and staff: the case's rows of the tables of every case (computed once per data
    # version, shared by the processes), not computed per case and process.
    days = None
    if current is not None:
        days = case_days_table(as_of=filters.as_of).filter(pl.col("case_id") == case_id)
        days = days.drop("case_id")
    economics = None
    if access.sees_economics:
        economics = figure(
            ECONOMICS, scope=scope, date_from=filters.months_from, date_to=filters.as_of
        )
        # The case's own rows (not the unit-level rows, case_id "", costs booked on no case).
        economics = economics.filter(pl.col("case_id") == case_id).sort("month")
    staff = case_staff_table(as_of=filters.as_of, date_from=filters.months_from)
    staff = staff.filter(pl.col("case_id") == case_id).drop("case_id")
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


def case_period_on(
    *, access: Access, as_of: dt.date, case_id: str, day: dt.date
) -> dict[str, Any] | None:
    """The hour-balance row of the case's settlement period that holds ``day``, as of D (the
    shift page's balance; the caller has checked the user sees the case's unit)."""
    rows = figure(
        "hour-balance",
        scope=Filters(as_of=as_of).scope(access),
        date_from=day,
        date_to=day,
        cases={case_id},
    ).filter(
        (pl.col("case_id") == case_id)
        & (pl.col("period_start") <= day)
        & (pl.col("period_end") >= day)
    )
    return rows.row(0, named=True) if rows.height else None


def cumulative_series(
    days: pl.DataFrame, *, as_of: dt.date, granted: float, current: dict[str, Any] | None = None
) -> pl.DataFrame:
    """Cumulative worked hours to D, the forecast after D, and the even pace to ``granted``
    from the last worked day (what the case must average to land on target). With the
    ``current`` hour-balance row of a period whose schedule ends before it does
    (``schedule_missing``), also the pace forecast: from the later of the schedule's end and D
    (where the forecast stops growing) to the period's end at ``pace_forecast_hours``."""
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
    if current is not None and current.get("schedule_missing") and ahead.height:
        end = current["schedule_end"]
        start = as_of if end is None else max(end, as_of)
        if start < current["period_end"]:
            rows.append(
                {"date": start, "kind": "I nuvarande takt", "hours": current["forecast_hours"]}
            )
            rows.append(
                {
                    "date": current["period_end"],
                    "kind": "I nuvarande takt",
                    "hours": current["pace_forecast_hours"],
                }
            )
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
    "forecast_over_hours",
    "forecast_under_hours",
    "unused_hours",
    "bought_hours",
    "overtime_hours",
    "ytd_change_pct",
    "sick_rate_pct",
    "result_ytd",
]
UNIT_SUMMARY_LABELS = kf.UNIT_LABELS


def unit_summary_key(*, access: Access, filters: Filters) -> Hashable:
    """What the units' summary (and its rendered rows) is cached under besides the data
    version: the filters and the user's access."""
    return ("unit-summary", filters, access_key(access, filters))


def unit_summary(*, access: Access, filters: Filters) -> pl.DataFrame:
    """One row per visible unit: the current periods, and the year to date
    (``figures.key_figures.unit_key_figures``; ``cases`` are those with a current period);
    cached per data version, filters and access."""
    return figure_cache.figure_result_cached(
        key=unit_summary_key(access=access, filters=filters),
        compute=lambda: _unit_summary(access=access, filters=filters),
    )


def _unit_summary(*, access: Access, filters: Filters) -> pl.DataFrame:
    units = [
        u for u in units_visible(access=access) if not filters.unit or u["unit_id"] == filters.unit
    ]
    tables = figure_tables(
        scope=filters.scope(access),
        specs=key_figure_specs(as_of=filters.as_of, economics=access.sees_economics),
    )
    tables.pop("forecast", None)
    out = kf.unit_key_figures(tables, units)
    out = out.drop("result_cases", "deficit_cases", strict=False).rename({"period_cases": "cases"})
    return out.with_columns(
        pl.col("cases", "periods_over", "periods_under").fill_null(0),
        pl.col("forecast_over_hours", "forecast_under_hours").fill_null(0.0),
        _goal(filters),
    )


def _goal(filters: Filters) -> pl.Expr:
    """``goal_change_pct``: the year's overtime goal, which colours a change against it."""
    goal = records.figure_settings_load().goal_for(filters.as_of.year)
    return pl.lit(goal, pl.Float64).alias("goal_change_pct")


def unit_months(*, access: Access, filters: Filters) -> pl.DataFrame:
    """One row per month of the year to date for one unit (``filters.unit``)."""
    start, end = filters.months_from, filters.months_to
    cap = figure("capacity", scope=filters.scope(access), date_from=start, date_to=end)
    ot = figure("overtime", scope=filters.scope(access), date_from=start, date_to=end)
    ab = figure("absence", scope=filters.scope(access), date_from=start, date_to=end)
    out = (
        cap.select(
            "month",
            "granted_hours",
            "unused_hours",
            kf.BOUGHT_HOURS,
        )
        .join(
            ot.select("month", "overtime_hours", "overtime_change_pct"),
            on="month",
            how="full",
            coalesce=True,
        )
        .join(ab.select("month", "sick_rate_pct"), on="month", how="full", coalesce=True)
        .with_columns(_goal(filters))
    )
    if access.sees_economics:
        ce = figure(ECONOMICS, scope=filters.scope(access), date_from=start, date_to=end)
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
    frame = figure("absence-employees", scope=filters.scope(access))
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
    req = figure_request(
        as_of=filters.as_of, date_from=filters.months_from, date_to=filters.months_to
    )
    frame = figure_cache.figure_table(name="limits", request=req)
    if scope is not None:
        frame = frame.filter(pl.col("unit_id").is_in(sorted(scope)))
    names = dict(
        m.Employee.objects.filter(employee_id__in=frame["employee_id"].unique().to_list())
        .exclude(name="")
        .values_list("employee_id", "name")
    )
    return LimitsPage(frame=frame, names=names)


# ---------------------------------------------------------------------------- worked rows

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class WorkedRows:
    unit_id: str
    frame: pl.DataFrame
    names: dict[str, str]


def case_worked_rows(*, access: Access, case_id: str, month: str) -> WorkedRows:
    """The worked rows of a case in a month (local YYYY-MM of their start), in time order:
    the rows behind the case's figures of that month. 404 unless the user sees the case;
    names only for those who see employee names (the caller logs that view)."""
    if not MONTH.match(month):
        raise Http404
    unit = case_unit(access=access, case_id=case_id)
    rows = (
        m.Worked.objects.filter(case__case_id=case_id, month=month, replaced_by__isnull=True)
        .order_by("start", "employee__employee_id")
        .values_list("start", "end", "break_minutes", "employee__employee_id", "time_type")
    )
    local = [
        (
            timezone.localtime(start),
            timezone.localtime(end),
            brk,
            employee,
            time_type,
        )
        for start, end, brk, employee, time_type in rows
    ]
    frame = pl.DataFrame(
        {
            "date": [s.date() for s, *_ in local],
            "start_time": [f"{s:%H:%M}" for s, *_ in local],
            "end_time": [
                f"{e:%H:%M}" if e.date() == s.date() else f"{e:%Y-%m-%d %H:%M}"
                for s, e, *_ in local
            ],
            "employee_id": [r[3] for r in local],
            "time_type": [r[4] for r in local],
            "break_minutes": [r[2] for r in local],
            "hours": [(e - s).total_seconds() / 3600 - b / 60 for s, e, b, *_ in local],
        },
        schema={
            "date": pl.Date,
            "start_time": pl.String,
            "end_time": pl.String,
            "employee_id": pl.String,
            "time_type": pl.String,
            "break_minutes": pl.Int64,
            "hours": pl.Float64,
        },
    )
    names: dict[str, str] = {}
    if access.sees_employee_names:
        names = dict(
            m.Employee.objects.filter(employee_id__in=set(frame["employee_id"].to_list()))
            .exclude(name="")
            .values_list("employee_id", "name")
        )
    return WorkedRows(unit_id=unit, frame=frame, names=names)
