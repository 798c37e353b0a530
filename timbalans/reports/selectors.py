"""Reads for the documents: the figures and plans of one scope gathered into the plain data
the builders take. Every figure comes through ``records.figure_access``, scoped by the user's
units; a unit the user may not see is refused before anything is computed. The key figures
are those of ``figures.key_figures``, as the overview shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import polars as pl
from django.core.exceptions import PermissionDenied
from django.http import Http404

from timbalans.accounts.access import Access
from timbalans.figures import charts
from timbalans.figures import key_figures as kf
from timbalans.figures.registry import FIGURE_NAMES
from timbalans.plans import kpis
from timbalans.plans import selectors as plans
from timbalans.plans.models import ActionPlan, Measure
from timbalans.records.figure_access import (
    figure_scope,
    figure_tables,
    key_figure_specs,
    units_visible,
)
from timbalans.records.selectors import figure_settings_load
from timbalans.reports import fmt
from timbalans.reports.content import Table
from timbalans.reports.data import (
    BaseLine,
    BoardFigures,
    BoardReportData,
    BoardTexts,
    CaseLine,
    Chart,
    Driver,
    FollowUpLine,
    MeasureLine,
    PlanAppendix,
    PlanDocumentData,
    PlanSummary,
)
from timbalans.reports.manadsuppfoljning import LEFT_OUT, month_range
from timbalans.reports.models import Report
from timbalans.reports.tables import frame_table

NO_ECONOMICS = "Din roll ser inte ekonomi och kan inte ta fram rapporter."
UNIT_NOT_ALLOWED = "Du har inte behörighet till enhet {unit}."
UNKNOWN_UNIT = "Enheten {unit} finns inte."
DEPARTMENT_NOT_ALLOWED = "Din roll ser inte hela avdelningen: välj en av dina enheter."


def require_scope(*, access: Access, unit_id: str) -> None:
    """Reports hold economics: not for the coordinator; a unit must be the user's own."""
    if not access.sees_economics:
        raise PermissionDenied(NO_ECONOMICS)
    if unit_id and not access.sees_unit(unit_id):
        raise PermissionDenied(UNIT_NOT_ALLOWED.format(unit=unit_id))
    # A department document made from a unit manager's units only would be mislabelled.
    if not unit_id and access.unit_ids is not None:
        raise PermissionDenied(DEPARTMENT_NOT_ALLOWED)


def report_visible(*, access: Access, report: Report) -> bool:
    if not access.sees_economics:
        return False
    return access.sees_unit(report.unit_id) if report.unit_id else access.unit_ids is None


def report_list(*, access: Access) -> list[Report]:
    if not access.sees_economics:
        return []
    reports = Report.objects.all()
    if access.unit_ids is not None:
        reports = reports.filter(unit_id__in=sorted(access.unit_ids))
    return list(reports)


def report_get(*, access: Access, report_id: int) -> Report:
    report = Report.objects.filter(pk=report_id).first()
    if report is None or not report_visible(access=access, report=report):
        raise Http404
    return report


def report_texts(report: Report) -> BoardTexts:
    return BoardTexts(
        board=report.board,
        reference=report.reference,
        document_date=report.document_date,
        officer=report.officer,
        title=report.title,
        case_description=report.case_description,
        statement=report.statement,
        focus=report.focus,
        economic_assessment=report.economic_assessment,
        decision_proposal=report.decision_proposal,
        send_to=report.send_to,
        signatures=report.signatures,
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip().removeprefix("- ") for line in text.splitlines() if line.strip())


# ---------------------------------------------------------------------------- handlingsplan


def _savings_cost(tables: dict[str, pl.DataFrame], area: str) -> float | None:
    savings = tables.get("savings")
    if savings is None:
        return None
    row = savings.filter(pl.col("area") == area)
    return float(row["cost_base"][0]) if row.height and row["cost_base"][0] is not None else None


def plan_summary(tables: dict[str, pl.DataFrame], *, as_of: dt.date) -> PlanSummary:
    """The computed part of the plan's summary, over the 12 months ending D."""
    start, end = kpis.window(as_of)
    economics = tables.get("case-economics")
    result = cases_total = cases_deficit = deficit_sum = None
    if economics is not None:
        per_case = kf.case_results(economics)
        deficits = per_case.filter(pl.col("result") < 0)
        result = kf.total(economics, "result")
        cases_total, cases_deficit = per_case.height, deficits.height
        deficit_sum = kf.total(deficits, "result")
    drivers: list[Driver] = []
    overtime = tables.get("overtime")
    temp = _savings_cost(tables, "temp_overtime")
    if temp is None and overtime is not None:
        temp = kf.total(overtime, "overtime_cost") + kf.total(overtime, "hourly_staff_cost")
    if temp is not None:
        drivers.append(
            Driver(
                "Timavlönade, övertid och mertid",
                temp,
                f"{fmt.hours(kf.total(overtime, 'hourly_staff_hours'))} timavlönade, "
                f"{fmt.hours(kf.total(overtime, 'overtime_hours'))} övertid",
            )
        )
    if economics is not None and "cost_ob" in economics.columns:
        drivers.append(Driver("OB-tillägg", kf.total(economics, "cost_ob")))
    absence = tables.get("absence")
    sick = _savings_cost(tables, "sick_leave")
    if sick is None and absence is not None:
        sick = kf.total(absence, "sick_pay_cost")
    if sick is not None:
        ordinary = kf.total(absence, "ordinary_hours")
        rate = 100 * kf.total(absence, "sick_hours") / ordinary if ordinary else None
        detail = f"sjukfrånvaro {fmt.pct(rate)} av ordinarie arbetstid" if rate is not None else ""
        drivers.append(Driver("Sjuklön dag 1–14", sick, detail))
    decided = _savings_cost(tables, "decided_hours")
    if decided is not None:
        hours = kpis.kpi_value("decided_hours", tables).value
        drivers.append(
            Driver(
                "Bemanning utöver beviljade timmar",
                decided,
                f"{fmt.hours(hours)} som inte ersätts (avslutade perioder och prognos)",
            )
        )
    structural = _savings_cost(tables, "structural")
    if structural is None and economics is not None:
        structural = kf.total(economics, "structural_cost")
    if structural:
        drivers.append(
            Driver(
                "Strukturella kostnader",
                structural,
                "HSL, arbetsträning och omplacering; inte påverkbara som övriga kostnader",
            )
        )
    return PlanSummary(
        window_from=start,
        window_to=end,
        result=result,
        cases_total=cases_total,
        cases_deficit=cases_deficit,
        deficit_sum=deficit_sum,
        drivers=tuple(drivers),
    )


CASE_COLUMNS = (
    "revenue",
    "cost_total",
    "result",
    "structural_cost",
    "result_influenceable",
    "worked_hours",
)


def named_cases(economics: pl.DataFrame | None, case_ids: Sequence[str]) -> tuple[CaseLine, ...]:
    """The figures of measure 2's named cases over the tables' window, in the order named; a
    case without rows in the window has zeros."""
    if not case_ids:
        return ()
    sums: dict[str, dict[str, float]] = {}
    if economics is not None:
        per_case = (
            economics.filter(pl.col("case_id").is_in(list(case_ids)))
            .group_by("case_id")
            .agg(pl.col(c).fill_null(0).sum() for c in CASE_COLUMNS)
        )
        sums = {r["case_id"]: r for r in per_case.iter_rows(named=True)}
    return tuple(
        CaseLine(case_id=c, **{k: float(sums.get(c, {}).get(k) or 0.0) for k in CASE_COLUMNS})
        for c in case_ids
    )


def _measure_line(
    measure: Measure,
    *,
    access: Access,
    plan: ActionPlan,
    tables: dict[str, pl.DataFrame],
    as_of: dt.date,
) -> MeasureLine:
    definition = kpis.KPIS[measure.kpi]
    potential, pending = None, False
    if measure.kpi == kpis.BACKTEST_KPI and not plan.case_id:
        potential = plans.measure_potential(access=access, plan=plan, as_of=as_of)
        pending = potential is None
    now = plans.measure_kpi(measure=measure, tables=tables)
    fixed = plans.measure_fixed_price_effect(
        access=access, measure=measure, as_of=as_of, tables=tables
    )
    effect = kpis.measured_effect(
        baseline_cost=measure.baseline_cost,
        baseline_date=measure.baseline_date,
        now_cost=now.cost,
        now_date=as_of,
        start=measure.start_date,
    )
    follow_ups: tuple[FollowUpLine, ...] = ()
    if measure.pk is not None:
        follow_ups = tuple(
            FollowUpLine(
                date=f.date,
                status=f.get_status_display(),
                kpi_value=f.kpi_value,
                annualised=plans.follow_up_effect(measure=measure, follow_up=f).annualised,
                comment=f.comment,
            )
            for f in measure.follow_ups.all()
        )
    return MeasureLine(
        number=measure.number,
        name=measure.name,
        start_date=measure.start_date,
        effect_current_low=measure.effect_current_low,
        effect_current_high=measure.effect_current_high,
        effect_full_low=measure.effect_full_low,
        effect_full_high=measure.effect_full_high,
        effect_text=measure.effect_text,
        description=measure.description,
        opportunities=_lines(measure.opportunities),
        risks=_lines(measure.risks),
        responsible=measure.responsible,
        kpi_label=definition.label,
        kpi_unit=definition.unit,
        saving=definition.saving,
        baseline_date=measure.baseline_date,
        baseline_value=measure.baseline_value,
        target_value=measure.target_value,
        now_date=as_of,
        now_value=now.value,
        realised=effect.realised,
        annualised=effect.annualised,
        current_year=effect.current_year,
        follow_ups=follow_ups,
        prices_on=fixed.prices_on if fixed is not None else None,
        fixed_measured=fixed.measured if fixed is not None else None,
        price_effect=fixed.price_effect if fixed is not None else None,
        cases=named_cases(tables.get("case-economics"), measure.kpi_cases)
        if measure.kpi == "cases"
        else (),
        potential=potential,
        potential_pending=pending,
    )


def plan_document_data(
    *,
    access: Access,
    plan: ActionPlan,
    as_of: dt.date,
    measures: Sequence[Measure] | None = None,
) -> PlanDocumentData:
    """A stored plan (or a proposal with its unsaved ``measures``) with its KPIs on D."""
    require_scope(access=access, unit_id=plan.unit_id)
    tables = plans.plan_kpi_tables(access=access, plan=plan, as_of=as_of)
    items = list(measures) if measures is not None else list(plan.measures.all())
    name, center = plans.unit_name(unit_id=plan.unit_id)
    return PlanDocumentData(
        title=plan.title,
        level_label=plan.get_level_display(),
        unit_id=plan.unit_id,
        unit_name=name,
        cost_center=center,
        case_id=plan.case_id,
        owner=plan.owner,
        period_start=plan.period_start,
        period_end=plan.period_end,
        status_label=plan.get_status_display(),
        as_of=as_of,
        summary_text=plan.summary,
        summary=plan_summary(tables, as_of=as_of),
        measures=tuple(
            _measure_line(m, access=access, plan=plan, tables=tables, as_of=as_of) for m in items
        ),
        bases=tuple(
            BaseLine(b.label, b.cost_base, b.hours, b.effect_low, b.effect_high, b.text)
            for b in kpis.savings_lines(tables.get("savings"))
        ),
    )


# ---------------------------------------------------------------------------- återrapportering

# The periods and the bought hours are in the text; nine columns fit an A4 page.
UNIT_COLUMNS = [
    "unit_id",
    "name",
    "cases",
    "deficit_cases",
    "result_ytd",
    "unused_hours",
    "overtime_hours",
    "ytd_change_pct",
    "sick_rate_pct",
]
UNIT_LABELS = {
    **kf.UNIT_LABELS,
    "cases": "Ärenden",
    "deficit_cases": "Ärenden med underskott",
    "periods_over": "Pågående perioder över",
    "periods_under": "Pågående perioder under",
}


def unit_table(tables: dict[str, pl.DataFrame], units: list[dict[str, str]]) -> pl.DataFrame:
    """One row per unit: the board report's annex (year to date; periods on D). ``cases``
    are the cases with a result of their own (``figures.key_figures.unit_key_figures``)."""
    out = kf.unit_key_figures(tables, units).drop("period_cases", strict=False)
    return out.rename({"result_cases": "cases"}) if "result_cases" in out.columns else out


OVER_COLUMNS = [
    "case_id",
    "unit_id",
    "period_start",
    "period_end",
    "granted_hours",
    "forecast_hours",
    "forecast_deviation_hours",
    "forecast_deviation_pct",
    "unpaid_hours",
]
OVER_CAPTION = "Ärenden över sina avräkningsperioder per {date}"


def over_periods_table(hour_balance: pl.DataFrame | None, *, as_of: dt.date) -> Table | None:
    """The settlement periods on D whose forecast is over the granted hours (status over) or
    that have already passed them, worst first; None when there are none."""
    if hour_balance is None:
        return None
    over = hour_balance.filter(
        (pl.col("status") == "over") | (pl.col("unpaid_hours").fill_null(0) > 0)
    ).sort(["forecast_deviation_hours", "case_id"], descending=[True, False])
    if not over.height:
        return None
    return frame_table(over, OVER_COLUMNS, caption=OVER_CAPTION.format(date=fmt.date(as_of)))


FORECAST_COLUMNS = [
    "cost_center",
    "actual_result",
    "forecast_result",
    "year_result",
    "budget",
    "deviation_from_budget",
]
FORECAST_CAPTION = "Helårsprognos {year} per ansvar"


def forecast_table(forecast: pl.DataFrame | None, *, as_of: dt.date) -> Table | None:
    """The year-end forecast's cost-centre rows (the ``forecast`` table), one per cost centre,
    and their sum when there are several."""
    if forecast is None:
        return None
    centres = forecast.filter(pl.col("level") == "cost_center").sort("cost_center")
    if not centres.height:
        return None
    money = {c: "sek" for c in FORECAST_COLUMNS[1:]}
    table = frame_table(
        centres,
        FORECAST_COLUMNS,
        caption=FORECAST_CAPTION.format(year=as_of.year),
        formats=money,
    )
    if centres.height > 1:
        sums = tuple(
            fmt.DASH if centres[c].is_null().all() else fmt.number(centres[c].sum())
            for c in FORECAST_COLUMNS[1:]
            if c in centres.columns
        )
        table = replace(table, rows=(*table.rows, ("Summa", *sums)))
    return table


def plan_appendices(*, access: Access, unit_id: str, as_of: dt.date) -> tuple[PlanAppendix, ...]:
    """The unit plans in progress in scope (not closed), each with its measures' effects on
    D, for the board report's appendices."""
    out = []
    for plan in plans.action_plan_list(access=access):
        if plan.level != ActionPlan.Level.UNIT or plan.status == ActionPlan.Status.CLOSED:
            continue
        if unit_id and plan.unit_id != unit_id:
            continue
        data = plan_document_data(access=access, plan=plan, as_of=as_of)
        out.append(
            PlanAppendix(
                title=data.title,
                scope_label=f"Enhet {data.unit_id} {data.unit_name}".strip(),
                period_start=data.period_start,
                period_end=data.period_end,
                status_label=data.status_label,
                owner=data.owner,
                as_of=as_of,
                measures=data.measures,
            )
        )
    return tuple(out)


def _plan_effects(
    *, access: Access, unit_id: str
) -> tuple[list[tuple[str, str, Measure, float | None, str]], int | None, int | None, float | None]:
    """The measures with a money effect of the unit plans in progress in scope, with the
    annualised effect at each one's latest follow-up (stored values, never recomputed)."""
    rows = []
    low = high = 0
    measured = 0.0
    any_measured = False
    for plan in plans.action_plan_list(access=access):
        if plan.level != ActionPlan.Level.UNIT or plan.status == ActionPlan.Status.CLOSED:
            continue
        if unit_id and plan.unit_id != unit_id:
            continue
        for m in plan.measures.all():
            if not kpis.KPIS[m.kpi].saving:
                continue
            latest = m.follow_ups.order_by("-date", "-id").first()
            annual = (
                plans.follow_up_effect(measure=m, follow_up=latest).annualised if latest else None
            )
            status = f"{latest.date} {latest.get_status_display()}" if latest else ""
            rows.append((plan.unit_id, plan.title, m, annual, status))
            low += m.effect_full_low or 0
            high += m.effect_full_high or 0
            if annual is not None:
                measured += annual
                any_measured = True
    if not rows:
        return rows, None, None, None
    return rows, low, high, measured if any_measured else None


def board_report_data(
    *, access: Access, unit_id: str, as_of: dt.date, texts: BoardTexts, with_charts: bool = True
) -> BoardReportData:
    require_scope(access=access, unit_id=unit_id)
    name, center = plans.unit_name(unit_id=unit_id)
    if unit_id and not name:
        raise Http404(UNKNOWN_UNIT.format(unit=unit_id))
    settings = figure_settings_load()
    year_from = dt.date(as_of.year, 1, 1)
    tables = figure_tables(
        scope=figure_scope(access=access, as_of=as_of, unit=unit_id),
        specs=key_figure_specs(as_of=as_of, economics=True),
    )
    key = kf.key_figures(tables)
    effect_rows, exp_low, exp_high, measured = _plan_effects(access=access, unit_id=unit_id)
    figures = BoardFigures(
        scope_label=f"Enhet {unit_id} {name}" if unit_id else "Avdelningen",
        cost_center=center,
        year_from=year_from,
        as_of=as_of,
        baseline_year=settings.baseline_for(as_of.year),
        contracted_hours=key.contracted_hours,
        unused_hours=key.unused_hours,
        unused_cost=key.unused_cost,
        bought_hours=key.bought_hours,
        substitutable_hours=key.substitutable_hours,
        periods_total=key.periods_total,
        periods_over=key.periods_over,
        periods_under=key.periods_under,
        unpaid_hours=key.unpaid_hours,
        status_over_pct=settings.status_over_pct,
        status_under_pct=settings.status_under_pct,
        overtime_hours=key.overtime_hours,
        baseline_overtime_hours=key.baseline_overtime_hours,
        overtime_goal_pct=settings.goal_for(as_of.year),
        ordinary_hours=key.ordinary_hours,
        sick_hours=key.sick_hours,
        short_sick_hours=key.short_sick_hours,
        long_sick_hours=key.long_sick_hours,
        sick_pay_cost=key.sick_pay_cost,
        result=key.result,
        cases_total=key.result_cases,
        cases_deficit=key.deficit_cases,
        expected_full_low=exp_low,
        expected_full_high=exp_high,
        measured_annualised=measured,
        measures_counted=len(effect_rows),
        year_result=key.year_result,
        year_budget=key.year_budget,
    )
    monthly = kf.monthly_overtime(tables["overtime"])
    visible = [u for u in units_visible(access=access) if not unit_id or u["unit_id"] == unit_id]
    units = unit_table(tables, visible)
    annex: list[Table] = [
        frame_table(
            units,
            UNIT_COLUMNS,
            caption="Nyckeltal per enhet hittills i år",
            labels=UNIT_LABELS,
            formats={"result_ytd": "sek"},
        ),
        frame_table(
            monthly,
            ["month", "overtime_hours", "baseline_overtime_hours", "overtime_change_pct"],
            caption="Övertid per månad mot jämförelseåret",
        ),
    ]
    if effect_rows:
        annex.append(
            Table(
                caption="Handlingsplanernas åtgärder: bedömd och uppmätt effekt",
                headers=(
                    "Enhet",
                    "Åtgärd",
                    "Bedömd effekt helår",
                    "Uppmätt effekt, helårstakt",
                    "Senaste uppföljning",
                ),
                rows=tuple(
                    (
                        unit,
                        f"{m.number}. {m.name}",
                        fmt.tkr_range(m.effect_full_low, m.effect_full_high),
                        fmt.tkr(annual),
                        status,
                    )
                    for unit, _title, m, annual, status in effect_rows
                ),
                numeric=(False, False, True, True, False),
            )
        )
    chart_list: list[Chart] = []
    if with_charts:
        chart_list.append(
            Chart(
                charts.to_png(
                    charts.overtime_against_goal(monthly, goal_pct=figures.overtime_goal_pct)
                ),
                f"Övertid per månad {as_of.year} mot {figures.baseline_year} och målet",
            )
        )
        if "result_ytd" in units.columns and units.height:
            chart_list.append(
                Chart(
                    charts.to_png(
                        charts.bars(
                            units.fill_null(0),
                            x="unit_id",
                            y="result_ytd",
                            title="Resultat per enhet hittills i år",
                            y_title="kr",
                        )
                    ),
                    "Resultat per enhet hittills i år (kr)",
                )
            )
    return BoardReportData(
        texts=texts,
        figures=figures,
        annex_tables=tuple(annex),
        charts=tuple(chart_list),
        over_periods=over_periods_table(tables.get("hour-balance"), as_of=as_of),
        forecast=forecast_table(tables.get("forecast"), as_of=as_of),
        plans=plan_appendices(access=access, unit_id=unit_id, as_of=as_of),
    )


# ---------------------------------------------------------------------------- månadsuppföljning


def monthly_tables(*, access: Access, unit_id: str, as_of: dt.date) -> dict[str, pl.DataFrame]:
    """Every figure table for D's month (rows whose month or period overlaps it)."""
    require_scope(access=access, unit_id=unit_id)
    first, last = month_range(as_of)
    return figure_tables(
        scope=figure_scope(access=access, as_of=as_of, unit=unit_id),
        specs={n: (n, first, last) for n in FIGURE_NAMES if n not in LEFT_OUT},
    )
