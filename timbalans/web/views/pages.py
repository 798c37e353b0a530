"""The department's pages: overview, cases, units, staffing, overtime, sick leave."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any
from urllib.parse import quote

import polars as pl
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from timbalans.accounts.access import Access
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.selectors import access_for
from timbalans.accounts.services import audit_log
from timbalans.figures import charts
from timbalans.figures import key_figures as kf
from timbalans.figures.absence import COLUMNS as ABSENCE_COLUMNS
from timbalans.figures.absence import EMPLOYEE_COLUMNS as ABSENCE_EMPLOYEE_COLUMNS
from timbalans.figures.absence_cases import COLUMNS as ABSENCE_CASES_COLUMNS
from timbalans.figures.backtest_columns import COLUMNS as BACKTEST_COLUMNS
from timbalans.figures.capacity import COLUMNS as CAPACITY_COLUMNS
from timbalans.figures.case_economics import COLUMNS as CASE_ECONOMICS_FIGURE_COLUMNS
from timbalans.figures.case_economics import COST_COLUMNS
from timbalans.figures.deviations import COLUMNS as DEVIATIONS_COLUMNS
from timbalans.figures.fk_check import AMOUNT_COLUMNS as FK_CHECK_AMOUNT_COLUMNS
from timbalans.figures.fk_check import COLUMNS as FK_CHECK_COLUMNS
from timbalans.figures.forecast import COLUMNS as FORECAST_COLUMNS
from timbalans.figures.hour_balance import COLUMNS as HOUR_BALANCE_COLUMNS
from timbalans.figures.hour_balance import WORKLIST_COLUMNS
from timbalans.figures.limits import COLUMNS as LIMITS_COLUMNS
from timbalans.figures.overtime import COLUMNS as OVERTIME_COLUMNS
from timbalans.figures.structure import COLUMNS as STRUCTURE_COLUMNS
from timbalans.plans.selectors import case_plan_list
from timbalans.records.figure_access import figure, figure_precomputed, figure_request
from timbalans.web import selectors
from timbalans.web.access import client_ip, page
from timbalans.web.filters import Filters
from timbalans.web.profile_editor import VALUE_LABELS
from timbalans.web.tables import (
    STATUS_LABELS,
    Table,
    overtime_change_tone,
    schedule_note,
    weekly_change_text,
)
from timbalans.web.views.common import chart_of, render_page, sort_param, table_or_xlsx

ID_STAND_IN = "__id__"
MONTH_STAND_IN = "__month__"


def _chosen(figure_columns: Sequence[str], chosen: Sequence[str]) -> list[str]:
    """A page's selection of a figure's columns, in the page's order.

    A name the figure does not have fails when this module is imported, so a page cannot show
    a misspelled or a removed column; pages that show a whole table use its ``COLUMNS``.
    """
    unknown = [c for c in chosen if c not in figure_columns]
    if unknown:
        raise ValueError(f"not columns of the figure: {unknown}")
    return list(chosen)


# The case page's periods: hour-balance without the keys the page already names.
CASE_PERIOD_COLUMNS = _chosen(
    (*HOUR_BALANCE_COLUMNS, *WORKLIST_COLUMNS),
    [
        "period_start",
        "period_end",
        "payer",
        "status",
        "granted_hours",
        "planned_hours",
        "worked_hours",
        "planned_remaining_hours",
        "forecast_hours",
        "schedule_end",
        "pace_forecast_hours",
        "forecast_deviation_hours",
        "forecast_deviation_pct",
        "remaining_granted_hours",
        "weeks_remaining",
        "planned_hours_per_week",
        "required_hours_per_week",
        "weekly_change_hours",
        "unpaid_hours",
    ],
)
# The case page's economics: the case's months, the costs and the drivers.
CASE_ECONOMICS_COLUMNS = _chosen(
    CASE_ECONOMICS_FIGURE_COLUMNS,
    [
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
        "distinct_staff",
        "computed_cost_total",
    ],
)
# The forecast's figures after its keys (level, case, cost centre, year).
FORECAST_FIGURE_COLUMNS = _chosen(
    FORECAST_COLUMNS,
    [
        "actual_result",
        "forecast_revenue",
        "forecast_cost",
        "forecast_result",
        "year_result",
        "budget",
        "deviation_from_budget",
    ],
)

# A wide table's most used columns, first; the rest behind "Fler kolumner" (issue 15).
CASE_LIST_MAIN = _chosen(
    selectors.CASE_LIST_COLUMNS,
    [
        "case_id",
        "unit_id",
        "status",
        "granted_hours",
        "forecast_hours",
        "pace_forecast_hours",
        "forecast_deviation_hours",
        "forecast_deviation_pct",
        "planned_hours_per_week",
        "required_hours_per_week",
        "weekly_change_hours",
        "result",
    ],
)
UNIT_SUMMARY_MAIN = _chosen(
    selectors.UNIT_SUMMARY_COLUMNS,
    [
        "unit_id",
        "name",
        "cases",
        "periods_over",
        "periods_under",
        "forecast_over_hours",
        "forecast_under_hours",
        "overtime_hours",
        "sick_rate_pct",
        "result_ytd",
    ],
)
CASE_PERIOD_MAIN = _chosen(
    CASE_PERIOD_COLUMNS,
    [
        "period_start",
        "period_end",
        "status",
        "granted_hours",
        "worked_hours",
        "forecast_hours",
        "forecast_deviation_hours",
        "forecast_deviation_pct",
        "planned_hours_per_week",
        "required_hours_per_week",
        "weekly_change_hours",
    ],
)
CASE_ECONOMICS_MAIN = _chosen(
    CASE_ECONOMICS_COLUMNS,
    [
        "month",
        "revenue",
        "cost_total",
        "result",
        "worked_hours",
        "cost_per_hour",
        "revenue_per_hour",
        "overtime_share",
    ],
)
CAPACITY_MAIN = _chosen(
    CAPACITY_COLUMNS,
    [
        "unit_id",
        "month",
        "granted_hours",
        "available_hours",
        "unused_hours",
        "hourly_staff_hours",
        "additional_hours",
        "overtime_hours",
    ],
)
OVERTIME_MAIN = _chosen(
    OVERTIME_COLUMNS,
    [
        "unit_id",
        "month",
        "overtime_hours",
        "baseline_overtime_hours",
        "overtime_change_pct",
        "ytd_change_pct",
        "goal_change_pct",
        "on_track",
    ],
)
ABSENCE_MAIN = _chosen(
    ABSENCE_COLUMNS,
    [
        "unit_id",
        "month",
        "ordinary_hours",
        "sick_hours",
        "sick_rate_pct",
        "short_sick_hours",
        "long_sick_hours",
        "sick_pay_cost",
    ],
)
FK_CHECK_MAIN = _chosen(
    FK_CHECK_COLUMNS,
    [
        "case_id",
        "unit_id",
        "month",
        "reported_hours",
        "worked_hours",
        "granted_hours",
        "reported_minus_worked",
        "missing",
    ],
)


def _row_link(url_name: str, column: str, filters: Filters) -> Callable[[dict], str]:
    """The link of a row's ``column`` to ``url_name``, with the filters (but the unit).

    The URL is reversed once with a stand-in for the id, which is then quoted per row as
    ``reverse`` quotes it: a table links hundreds of rows, and reversing each costs more than
    rendering its cells.
    """
    query = filters.query(unit="")
    head, _, tail = reverse(url_name, args=[ID_STAND_IN]).partition(ID_STAND_IN)
    tail += f"?{query}" if query else ""
    return lambda row: head + quote(str(row[column]), safe=RFC3986_SUBDELIMS + "/~:@") + tail


def _month_links(frame: pl.DataFrame, url_name: str, filters: Filters) -> pl.DataFrame:
    """``frame`` (a ``month`` column, YYYY-MM) with ``href``: the page ``url_name`` for that
    month alone, with the other filters: the rows behind a month's bar."""
    base = reverse(url_name)
    links = {}
    for month in frame["month"].unique().to_list():
        first = dt.date.fromisoformat(f"{month}-01")
        last = dt.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        links[month] = (
            f"{base}?{filters.query(**{'from': first.isoformat(), 'to': last.isoformat()})}"
        )
    return frame.with_columns(
        pl.col("month").replace_strict(links, return_dtype=pl.String).alias("href")
    )


def _unit_links(frame: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    """``frame`` (a ``unit_id`` column) with ``href``: each unit's page."""
    link = _unit_link(filters)
    hrefs = [link({"unit_id": u}) for u in frame["unit_id"].to_list()]
    return frame.with_columns(pl.Series("href", hrefs, dtype=pl.String))


def _unit_cases_link(filters: Filters, status: str, column: str) -> Callable[[dict], str]:
    """A unit's count of periods of a status links to those cases (none for a count of 0)."""
    base = reverse("web:cases")
    return lambda row: (
        f"{base}?{filters.query(unit=row['unit_id'], status=status)}" if row[column] else ""
    )


def _case_link(filters: Filters) -> Callable[[dict], str]:
    return _row_link("web:case", "case_id", filters)


def _unit_link(filters: Filters) -> Callable[[dict], str]:
    return _row_link("web:unit", "unit_id", filters)


@page(remember=True)
def overview(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    return render_page(
        request,
        access,
        "web/overview.html",
        overview_context(access=access, filters=filters),
        filters=filters,
        active="web:overview",
    )


def overview_context(*, access: Access, filters: Filters) -> dict[str, Any]:
    """The overview's figures and its three charts (each drawn once per data version and
    kept in the figure cache's files: ``chart_of``)."""
    ov = selectors.overview(access=access, filters=filters)
    cases_url = reverse("web:cases")
    status = pl.DataFrame(
        {
            "Status": [STATUS_LABELS[s] for s in ("over", "balanced", "under")],
            "Antal": [ov.figures.status_counts.get(s, 0) for s in ("over", "balanced", "under")],
            "href": [
                f"{cases_url}?{filters.query(status=s)}" for s in ("over", "balanced", "under")
            ],
        }
    )
    return {
        "ov": ov,
        "overtime_tone": overtime_change_tone(ov.figures.overtime_change_pct, ov.overtime_goal_pct),
        "economics": access.sees_economics and ov.figures.result is not None,
        "overtime_chart": chart_of(
            charts.overtime_against_goal,
            _month_links(ov.monthly_overtime, "web:overtime", filters),
            goal_pct=ov.overtime_goal_pct,
            href="href",
        ),
        "status_chart": chart_of(charts.status_counts, status, href="href"),
        "result_chart": chart_of(
            charts.bars,
            _unit_links(ov.result_by_unit, filters),
            x="unit_id",
            y="result",
            title="Resultat per enhet hittills i år",
            y_title="kr",
            href="href",
        )
        if access.sees_economics and ov.result_by_unit is not None
        else "",
    }


def overview_warm(as_of: dt.date) -> int:
    """Compose the overview on D, as it opens with no filters, for every distinct access
    of the active users, charts included, so that the first overview after an import is
    read, not drawn (``figure_access.figures_warm`` calls this: ``WebConfig.ready``).
    Returns how many compositions it made or found."""
    filters = Filters(as_of=as_of)
    seen: set[Hashable] = set()
    for user in get_user_model().objects.filter(is_active=True).order_by("pk"):
        access = access_for(user=user)
        if access is None:
            continue
        try:
            key = selectors.access_key(access, filters)
        except PermissionDenied:
            continue
        if key not in seen:
            seen.add(key)
            overview_context(access=access, filters=filters)
    return len(seen)


@page(remember=True)
def cases(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    status = request.GET.get("status", "")
    frame = selectors.case_list(access=access, filters=filters, status=status)
    sort, desc = sort_param(request, selectors.CASE_LIST_SORT)
    columns = selectors.columns_seen(access=access, columns=selectors.CASE_LIST_COLUMNS)
    table = Table(
        name="arenden",
        title="Ärenden",
        frame=frame,
        columns=columns,
        links={"case_id": _case_link(filters), "unit_id": _unit_link(filters)},
        sort=sort,
        descending=desc,
        cache_key=("case-list", filters, status, selectors.access_key(access, filters)),
        main=CASE_LIST_MAIN,
    )
    return table_or_xlsx(
        request,
        access,
        "web/cases.html",
        {"table": table, "status": status, "statuses": STATUS_LABELS},
        tables=[table],
        filename=f"arenden-{filters.as_of}",
        filters=filters,
        active="web:cases",
    )


@page(remember=True)
def case(request: HttpRequest, access: Access, case_id: str) -> HttpResponse:
    filters = Filters.from_request(request)
    cp = selectors.case_page(access=access, filters=filters, case_id=case_id)
    periods = Table(
        name="perioder",
        title=f"Avräkningsperioder {case_id}",
        frame=cp.periods,
        columns=CASE_PERIOD_COLUMNS,
        cache_key=cp.key,
        main=CASE_PERIOD_MAIN,
    )
    staff_frame = cp.staff
    staff_columns = ["employee_id", "form", "worked_hours", "overtime_hours"]
    if cp.staff_names:
        staff_frame = staff_frame.with_columns(
            pl.col("employee_id").replace_strict(cp.staff_names, default=None).alias("name")
        )
        staff_columns.insert(1, "name")
    staff = Table(
        name="medarbetare",
        title=f"Medarbetare i ärendet {case_id}",
        frame=staff_frame,
        columns=staff_columns,
        labels={"name": "Namn", "form": "Anställningsform"},
        cache_key=cp.key,
    )
    tables = [periods, staff]
    economics = None
    if cp.economics is not None:
        economics = Table(
            name="ekonomi",
            title=f"Ekonomi {case_id}",
            frame=cp.economics,
            columns=CASE_ECONOMICS_COLUMNS,
            links={"month": _worked_link(case_id, filters)},
            cache_key=cp.key,
            main=CASE_ECONOMICS_MAIN,
        )
        tables.insert(1, economics)
    progress = caption = ""
    if cp.current is not None and cp.days is not None:
        series = selectors.cumulative_series(
            cp.days, as_of=filters.as_of, granted=cp.current["granted_hours"], current=cp.current
        )
        caption = charts.cumulative_caption(
            series["kind"].unique().to_list(), as_of=filters.as_of.isoformat()
        )
        progress = chart_of(
            charts.cumulative_hours,
            series,
            granted=cp.current["granted_hours"],
            title=f"Utförda timmar mot beviljade, period {cp.current['period_start']}"
            f" – {cp.current['period_end']}",
        )
    if cp.staff_names:
        audit_log(
            user=request.user,
            action=AuditEvent.Action.PERSON_VIEW,
            target=f"ärende {case_id}",
            detail={"employees": len(cp.staff_names)},
            ip=client_ip(request),
        )
    return table_or_xlsx(
        request,
        access,
        "web/case.html",
        {
            "cp": cp,
            "periods": periods,
            "economics": economics,
            "staff": staff,
            "progress_chart": progress,
            "progress_caption": caption,
            "current_notes": _current_notes(cp.current),
            "current": cp.current,
            "plans": case_plan_list(access=access, case_id=case_id),
            "sees_plans": access.sees_economics,
        },
        tables=tables,
        filename=f"arende-{case_id}-{filters.as_of}",
        filters=filters,
        active="web:cases",
    )


def _current_notes(current: dict[str, Any] | None) -> dict[str, str]:
    """The case page's words for its current period: what the schedule does not cover, and
    how the planned hours a week must change to land on granted."""
    if current is None:
        return {}
    notes = {"status": STATUS_LABELS.get(current["status"], current["status"])}
    if current["schedule_missing"]:
        notes["schedule"] = schedule_note(current["schedule_end"])
    if current["weekly_change_hours"] is not None:
        notes["change"] = weekly_change_text(current["weekly_change_hours"])
    if current["pace_weekly_change_hours"] is not None:
        notes["pace_change"] = weekly_change_text(current["pace_weekly_change_hours"])
    return notes


WORKED_LABELS = {
    "date": "Datum",
    "start_time": "Från",
    "end_time": "Till",
    "name": "Namn",
    "time_type": "Tidtyp",
    "break_minutes": "Rast (minuter)",
}


@page()
def case_worked(request: HttpRequest, access: Access, case_id: str, month: str) -> HttpResponse:
    """The worked rows of a case in a month: the rows behind the case's figures of the month."""
    filters = Filters.from_request(request)
    found = selectors.case_worked_rows(access=access, case_id=case_id, month=month)
    frame = found.frame.with_columns(pl.col("time_type").replace(VALUE_LABELS).alias("time_type"))
    columns = [
        "date",
        "start_time",
        "end_time",
        "employee_id",
        "time_type",
        "break_minutes",
        "hours",
    ]
    if found.names:
        frame = frame.with_columns(
            pl.col("employee_id").replace_strict(found.names, default=None).alias("name")
        )
        columns.insert(4, "name")
    sort, desc = sort_param(request, "")
    table = Table(
        name="utfort",
        title=f"Utförd tid {case_id} {month}",
        frame=frame,
        columns=columns,
        labels=WORKED_LABELS,
        sort=sort,
        descending=desc,
    )
    if found.names:
        audit_log(
            user=request.user,
            action=AuditEvent.Action.PERSON_VIEW,
            target=f"utförd tid ärende {case_id} {month}",
            detail={"employees": len(found.names)},
            ip=client_ip(request),
        )
    return table_or_xlsx(
        request,
        access,
        "web/case_worked.html",
        {
            "case_id": case_id,
            "unit_id": found.unit_id,
            "month": month,
            "table": table,
            "hours": frame["hours"].sum(),
        },
        tables=[table],
        filename=f"utfort-{case_id}-{month}",
        filters=filters,
        active="web:cases",
    )


def _worked_link(case_id: str | None, filters: Filters) -> Callable[[dict], str]:
    """The link of a case-month row's ``month`` to its worked rows (``case_id`` None: the
    row's own case), reversed once as ``_row_link`` does."""
    query = filters.query(unit="")
    url = reverse("web:case_worked", args=[ID_STAND_IN, MONTH_STAND_IN])
    head, _, rest = url.partition(ID_STAND_IN)
    middle, _, tail = rest.partition(MONTH_STAND_IN)
    tail += f"?{query}" if query else ""

    def link(row: dict) -> str:
        case = case_id if case_id is not None else row["case_id"]
        return (
            head + quote(str(case), safe=RFC3986_SUBDELIMS + "/~:@") + middle + row["month"] + tail
        )

    return link


@page(remember=True)
def units(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    frame = selectors.unit_summary(access=access, filters=filters)
    sort, desc = sort_param(request, "")
    columns = selectors.columns_seen(access=access, columns=selectors.UNIT_SUMMARY_COLUMNS)
    table = Table(
        name="enheter",
        title="Enheter",
        frame=frame,
        columns=columns,
        labels=selectors.UNIT_SUMMARY_LABELS,
        links={
            "unit_id": _unit_link(filters),
            "periods_over": _unit_cases_link(filters, "over", "periods_over"),
            "periods_under": _unit_cases_link(filters, "under", "periods_under"),
        },
        sort=sort,
        descending=desc,
        cache_key=selectors.unit_summary_key(access=access, filters=filters),
        main=UNIT_SUMMARY_MAIN,
    )
    return table_or_xlsx(
        request,
        access,
        "web/units.html",
        {"table": table},
        tables=[table],
        filename=f"enheter-{filters.as_of}",
        filters=filters,
        active="web:units",
    )


@page(remember=True)
def unit(request: HttpRequest, access: Access, unit_id: str) -> HttpResponse:
    filters = Filters.from_request(request).with_unit(unit_id)
    selectors.unit_visible(access=access, unit_id=unit_id)
    frame = selectors.case_list(access=access, filters=filters)
    columns = selectors.columns_seen(
        access=access, columns=[c for c in selectors.CASE_LIST_COLUMNS if c != "unit_id"]
    )
    sort, desc = sort_param(request, selectors.CASE_LIST_SORT)
    cases_table = Table(
        name="arenden",
        title=f"Ärenden {unit_id}",
        frame=frame,
        columns=columns,
        links={"case_id": _case_link(filters)},
        sort=sort,
        descending=desc,
        cache_key=("unit-cases", filters, selectors.access_key(access, filters)),
        main=[c for c in CASE_LIST_MAIN if c != "unit_id"],
    )
    months = selectors.unit_months(access=access, filters=filters)
    months_table = Table(
        name="manader",
        title=f"Månader {unit_id}",
        frame=months,
        columns=selectors.columns_seen(
            access=access, columns=[c for c in months.columns if c != "goal_change_pct"]
        ),
        labels=selectors.UNIT_SUMMARY_LABELS,
    )
    return table_or_xlsx(
        request,
        access,
        "web/unit.html",
        {"unit_id": unit_id, "cases_table": cases_table, "months_table": months_table},
        tables=[cases_table, months_table],
        filename=f"enhet-{unit_id}-{filters.as_of}",
        filters=filters,
        active="web:units",
    )


def _monthly_page(
    request: HttpRequest,
    access: Access,
    *,
    name: str,
    title: str,
    intro: str,
    guide: str,
    columns: list[str],
    chart_of_frame: Callable[[pl.DataFrame], str],
    active: str,
    extra_tables: list[Table] | None = None,
    main: Sequence[str] = (),
    extra_context: dict | None = None,
) -> HttpResponse:
    filters = Filters.from_request(request)
    frame = figure(
        name,
        scope=filters.scope(access),
        date_from=filters.months_from,
        date_to=filters.months_to,
    )
    sort, desc = sort_param(request, "")
    table = Table(
        name=name,
        title=title,
        frame=frame.sort(["unit_id", "month"]),
        columns=selectors.columns_seen(access=access, columns=columns),
        links={"unit_id": _unit_link(filters)},
        sort=sort,
        descending=desc,
        main=main,
    )
    tables = [table, *(extra_tables or [])]
    return table_or_xlsx(
        request,
        access,
        "web/monthly.html",
        {
            "title": title,
            "intro": intro,
            "guide": guide,
            "tables": tables,
            "chart": chart_of_frame(frame) if frame.height else "",
            **(extra_context or {}),
        },
        tables=tables,
        filename=f"{name}-{filters.as_of}",
        filters=filters,
        active=active,
    )


def _monthly_sum(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.group_by("month").agg(pl.col(columns).sum()).sort("month")


@page(remember=True)
def capacity(request: HttpRequest, access: Access) -> HttpResponse:
    def spec(frame: pl.DataFrame) -> str:
        monthly = _monthly_sum(
            frame, ["unused_hours", "hourly_staff_hours", "additional_hours", "overtime_hours"]
        ).with_columns(kf.BOUGHT_HOURS.alias("bought"))
        long = pl.concat(
            [
                monthly.select(
                    "month",
                    pl.lit("Outnyttjad tid").alias("serie"),
                    pl.col("unused_hours").alias("h"),
                ),
                monthly.select(
                    "month", pl.lit("Köpt tid").alias("serie"), pl.col("bought").alias("h")
                ),
            ]
        )
        return chart_of(
            charts.grouped_bars,
            _month_links(long, "web:capacity", Filters.from_request(request)),
            x="month",
            y="h",
            group="serie",
            title="Outnyttjad tid mot köpt tid",
            y_title="Timmar",
            href="href",
        )

    filters = Filters.from_request(request)
    structure = figure("staffing-structure", scope=filters.scope(access))
    structure_table = Table(
        name="staffing-structure",
        title="Återkommande köpt tid",
        frame=structure,
        columns=selectors.columns_seen(access=access, columns=STRUCTURE_PAGE_COLUMNS),
        links={"case_id": _case_link(filters), "unit_id": _unit_link(filters)},
    )
    return _monthly_page(
        request,
        access,
        name="capacity",
        title="Bemanning: överkapacitet mot köpt tid",
        intro=(
            "Avtalad tid för månadsavlönade som inte används till assistans (outnyttjad tid), "
            "jämfört med timmar som köps in som timavlönade, mertid och övertid."
        ),
        guide="capacity",
        columns=list(CAPACITY_COLUMNS),
        chart_of_frame=spec,
        active="web:capacity",
        main=CAPACITY_MAIN,
        extra_tables=[structure_table],
        extra_context={"structure_guide": "staffing-structure-personalstruktur"},
    )


BACKTEST_PAGE_COLUMNS = _chosen(
    BACKTEST_COLUMNS,
    [
        "unit_id",
        "bought_hours",
        "tier1_hours",
        "tier2_hours",
        "remaining_bought_hours",
        "actual_cost",
        "backtest_cost",
        "saving_sek",
        "saving_pct",
    ],
)
STRUCTURE_PAGE_COLUMNS = list(STRUCTURE_COLUMNS)


def backtest_per_unit(backtest: pl.DataFrame) -> pl.DataFrame:
    """The staffing backtest's 12 months summed per unit."""
    sums = [c for c in BACKTEST_PAGE_COLUMNS if c not in ("unit_id", "saving_pct")]
    return (
        backtest.group_by("unit_id")
        .agg(pl.col(sums).sum())
        .with_columns(
            pl.when(pl.col("actual_cost") != 0)
            .then(100 * pl.col("saving_sek") / pl.col("actual_cost"))
            .alias("saving_pct")
        )
        .sort("unit_id")
    )


def backtest_summary(per_unit: pl.DataFrame) -> dict[str, float] | None:
    """The units' totals: bought hours, the refillable ones, their share and the saving."""
    bought = float(per_unit["bought_hours"].sum())
    if bought <= 0:
        return None
    refill = float((per_unit["tier1_hours"] + per_unit["tier2_hours"]).sum())
    return {
        "bought": bought,
        "refill": refill,
        "share": 100 * refill / bought,
        "saving": float(per_unit["saving_sek"].sum()),
    }


@page(remember=True)
def overtime(request: HttpRequest, access: Access) -> HttpResponse:
    settings = figure_request(as_of=Filters.from_request(request).as_of).settings
    goal = settings.goal_for(Filters.from_request(request).as_of.year)

    def spec(frame: pl.DataFrame) -> str:
        return chart_of(
            charts.overtime_against_goal,
            _month_links(
                _monthly_sum(frame, ["overtime_hours", "baseline_overtime_hours"]),
                "web:overtime",
                Filters.from_request(request),
            ),
            goal_pct=goal,
            href="href",
        )

    columns = list(OVERTIME_COLUMNS)
    filters = Filters.from_request(request)
    backtest = figure_precomputed("staffing-backtest", scope=filters.scope(access))
    extra: list[Table] = []
    summary = None
    if backtest is not None:
        per_unit = backtest_per_unit(backtest)
        extra.append(
            Table(
                name="staffing-backtest",
                title="Vad prioriteringsordningen hade sparat (senaste 12 månaderna)",
                frame=per_unit,
                columns=selectors.columns_seen(
                    access=access,
                    columns=[
                        c
                        for c in BACKTEST_PAGE_COLUMNS
                        if access.sees_economics or c != "saving_pct"
                    ],
                ),
                links={"unit_id": _unit_link(filters)},
            )
        )
        summary = backtest_summary(per_unit)
    return _monthly_page(
        request,
        access,
        name="overtime",
        title="Övertid och timavlönade",
        intro=(
            "Övertid, mertid och timavlönade per enhet och månad, mot samma månad "
            "jämförelseåret och årets mål."
        ),
        guide="overtime",
        columns=columns,
        chart_of_frame=spec,
        active="web:overtime",
        main=OVERTIME_MAIN,
        extra_tables=extra,
        extra_context={
            "backtest": {
                "ready": backtest is not None,
                "summary": summary,
                "goal": goal,
                "economics": access.sees_economics,
            }
        },
    )


@page(remember=True)
def absence(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    extra: list[Table] = []
    if access.sees_health_data:
        people = selectors.absence_people(access=access, filters=filters)
        if people is not None:
            names = people.names
            frame = people.frame
            columns = list(ABSENCE_EMPLOYEE_COLUMNS)
            if names:
                frame = frame.with_columns(
                    pl.col("employee_id").replace_strict(names, default=None).alias("name")
                )
                columns.insert(1, "name")
            extra.append(
                Table(
                    name="absence-employees",
                    title="Sjukfrånvaro per medarbetare",
                    frame=frame.sort(["flag_repeated", "occasions_12m"], descending=True),
                    columns=columns,
                    labels={"name": "Namn"},
                )
            )
            audit_log(
                user=request.user,
                action=AuditEvent.Action.HEALTH_VIEW,
                target="sjukfrånvaro per medarbetare",
                detail={
                    "units": sorted(people.units),
                    "rows": frame.height,
                    "as_of": str(filters.as_of),
                },
                ip=client_ip(request),
            )

    def spec(frame: pl.DataFrame) -> str:
        monthly = _monthly_sum(frame, ["sick_hours", "ordinary_hours"]).with_columns(
            (100 * pl.col("sick_hours") / pl.col("ordinary_hours")).alias("rate")
        )
        return chart_of(
            charts.bars,
            _month_links(monthly, "web:absence", Filters.from_request(request)),
            x="month",
            y="rate",
            title="Sjukfrånvaro per månad",
            y_title="%",
            fmt=",.1f",
            href="href",
        )

    return _monthly_page(
        request,
        access,
        name="absence",
        title="Sjukfrånvaro",
        intro=(
            "Sjukfrånvaro i timmar och procent av ordinarie tid (SKR:s definition), kort- och "
            "långtidsfrånvaro, ersättning av sjukfrånvaron och sjuklönekostnad."
        ),
        guide="absence",
        columns=list(ABSENCE_COLUMNS),
        chart_of_frame=spec,
        active="web:absence",
        extra_tables=extra,
        main=ABSENCE_MAIN,
    )


# ---------------------------------------------------------------------------- issue 14 tables


def _case_month_page(
    request: HttpRequest,
    access: Access,
    *,
    name: str,
    title: str,
    intro: str,
    guide: str,
    columns: list[str],
    active: str,
    main: Sequence[str] = (),
) -> HttpResponse:
    """A figure table with one row per case and month, for the months of the filters."""
    filters = Filters.from_request(request)
    frame = figure(
        name,
        scope=filters.scope(access),
        date_from=filters.months_from,
        date_to=filters.months_to,
    )
    sort, desc = sort_param(request, "")
    table = Table(
        name=name,
        title=title,
        frame=frame.sort(["unit_id", "case_id", "month"]),
        columns=columns,
        links={
            "case_id": _case_link(filters),
            "unit_id": _unit_link(filters),
            "month": _worked_link(None, filters),
        },
        sort=sort,
        descending=desc,
        main=main,
    )
    return table_or_xlsx(
        request,
        access,
        "web/monthly.html",
        {"title": title, "intro": intro, "guide": guide, "tables": [table], "chart": ""},
        tables=[table],
        filename=f"{name}-{filters.as_of}",
        filters=filters,
        active=active,
    )


@page(remember=True)
def fk_check(request: HttpRequest, access: Access) -> HttpResponse:
    hidden = () if access.sees_economics else FK_CHECK_AMOUNT_COLUMNS
    columns = [c for c in FK_CHECK_COLUMNS if c not in hidden]
    return _case_month_page(
        request,
        access,
        name="fk-check",
        title="Tidredovisning mot utförd tid",
        intro=(
            "Timmar redovisade till Försäkringskassan eller kommunen per ärende och månad, mot "
            "utförda och beviljade timmar: redovisning som saknas efter sista dagen, mer "
            "redovisat än utfört (återbetalningsrisk) och mindre (intäkt som inte begärts)."
        ),
        guide="fk-check-tidredovisning",
        columns=columns,
        active="web:fk_check",
        main=FK_CHECK_MAIN,
    )


@page(remember=True)
def deviations(request: HttpRequest, access: Access) -> HttpResponse:
    return _case_month_page(
        request,
        access,
        name="deviations",
        title="Avvikelser schema mot utfört",
        intro=(
            "Planerad mot utförd tid per ärende och månad: arbete utan pass, arbete utanför "
            "passets tider och planerade timmar som ingen arbetat."
        ),
        guide="deviations-avvikelser",
        columns=list(DEVIATIONS_COLUMNS),
        active="web:deviations",
    )


@page(remember=True)
def absence_cases(request: HttpRequest, access: Access) -> HttpResponse:
    return _case_month_page(
        request,
        access,
        name="absence-cases",
        title="Sjukfrånvaro per ärende",
        intro=(
            "Förlorade pass när den schemalagda var sjuk, hur de ersattes och vad det kostade, "
            "per ärende och månad. Ingen medarbetare visas."
        ),
        guide="absence-cases-sjukfranvaro-per-arende",
        columns=selectors.columns_seen(access=access, columns=ABSENCE_CASES_COLUMNS),
        active="web:absence_cases",
    )


def _leads_or_schedules_staff(a: Access) -> bool:
    # Limits are per named employee: the roles that lead or schedule staff, as for names.
    return a.sees_employee_names


@page(_leads_or_schedules_staff, remember=True)
def limits(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    found = selectors.working_time_limits(access=access, filters=filters)
    frame = found.frame
    columns = list(LIMITS_COLUMNS)
    if found.names:
        frame = frame.with_columns(
            pl.col("employee_id").replace_strict(found.names, default=None).alias("name")
        )
        columns.insert(1, "name")
    sort, desc = sort_param(request, "")
    table = Table(
        name="limits",
        title="Arbetstid per medarbetare",
        frame=frame.sort(["unit_id", "employee_id", "month"]),
        columns=columns,
        labels={"name": "Namn"},
        links={"unit_id": _unit_link(filters)},
        sort=sort,
        descending=desc,
    )
    if found.names:
        audit_log(
            user=request.user,
            action=AuditEvent.Action.PERSON_VIEW,
            target="arbetstidsgränser",
            detail={"employees": len(found.names), "as_of": str(filters.as_of)},
            ip=client_ip(request),
        )
    return table_or_xlsx(
        request,
        access,
        "web/monthly.html",
        dict(
            title="Arbetstidsgränser",
            intro=(
                "Övertid och mertid mot arbetstidslagens gränser, och för kort dygns- eller "
                "veckovila i den utförda tiden, per medarbetare och månad."
            ),
            guide="limits-arbetstidsgranser",
            tables=[table],
            chart="",
        ),
        tables=[table],
        filename=f"arbetstidsgranser-{filters.as_of}",
        filters=filters,
        active="web:limits",
    )


@page(lambda access: access.sees_economics, remember=True)
def forecast(request: HttpRequest, access: Access) -> HttpResponse:
    """Helårsprognos: per cost centre and per case, the year's result against the budget."""
    filters = Filters.from_request(request)
    frame = figure("forecast", scope=filters.scope(access))
    columns = FORECAST_FIGURE_COLUMNS
    centres = Table(
        name="helarsprognos-ansvar",
        title=f"Helårsprognos {filters.as_of.year} per ansvar",
        frame=frame.filter(pl.col("level") == "cost_center"),
        columns=["cost_center", *columns],
    )
    sort, desc = sort_param(request, "")
    per_case = Table(
        name="helarsprognos-arenden",
        title=f"Helårsprognos {filters.as_of.year} per ärende",
        frame=frame.filter(pl.col("level") == "case").sort("year_result"),
        columns=["case_id", "cost_center", *columns],
        links={"case_id": _case_link(filters)},
        sort=sort,
        descending=desc,
    )
    tables = [centres, per_case]
    return table_or_xlsx(
        request,
        access,
        "web/monthly.html",
        dict(
            title=f"Helårsprognos {filters.as_of.year}",
            intro=(
                "Årets resultat: utfall till och med "
                f"{filters.as_of:%Y-%m-%d} och prognos för resten av året (schemalagd tid, "
                "och där schemat tar slut tidigare: nuvarande takt), mot budgeten. "
                "Ansvarets rad räknar månadslönerna till årets slut i stället för deras "
                "schemalagda timmar."
            ),
            guide="forecast-helarsprognos",
            tables=tables,
            chart="",
        ),
        tables=tables,
        filename=f"helarsprognos-{filters.as_of}",
        filters=filters,
        active="web:forecast",
    )
