"""Reads of action plans, always scoped by the user's access here, and the KPIs of a plan's
scope computed from the figure tables.

Who sees a plan: a unit or case plan, whoever sees its unit; a department plan, the roles that
see every unit. A plan the user may not see is a 404, the same as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from timbalans.accounts.access import Access
from timbalans.figures.prices import at_prices_of
from timbalans.figures.registry import figure_function
from timbalans.plans import kpis
from timbalans.plans.models import ActionPlan, FollowUp, Measure
from timbalans.records import figure_cache
from timbalans.records import models as records_models
from timbalans.records.figure_access import (
    figure_precomputed,
    figure_request,
    figure_scope,
    figure_tables,
)

#: The figure tables the KPIs are computed from.
KPI_TABLES = ("hour-balance", "coverage", "overtime", "absence", "case-economics", "savings")
#: The tables the KPIs' costs come from: what the fixed-price comparison recomputes.
COST_TABLES = ("case-economics", "savings")


def plan_visible(*, access: Access, plan: ActionPlan) -> bool:
    if not access.sees_economics:
        return False
    if plan.level == ActionPlan.Level.DEPARTMENT:
        return access.unit_ids is None
    return access.sees_unit(plan.unit_id)


def action_plan_list(*, access: Access, status: str = "") -> list[ActionPlan]:
    """The plans this user may see, department first, then by unit and case."""
    if not access.sees_economics:
        return []
    plans: QuerySet[ActionPlan] = ActionPlan.objects.prefetch_related("measures")
    if access.unit_ids is not None:
        plans = plans.filter(unit_id__in=sorted(access.unit_ids)).exclude(
            level=ActionPlan.Level.DEPARTMENT
        )
    if status:
        plans = plans.filter(status=status)
    return list(plans)


def case_plan_list(*, access: Access, case_id: str) -> list[ActionPlan]:
    """The case's own plans (level ``case``) this user may see, newest period first."""
    plans = ActionPlan.objects.prefetch_related("measures").filter(
        level=ActionPlan.Level.CASE, case_id=case_id
    )
    return [plan for plan in plans if plan_visible(access=access, plan=plan)]


def action_plan_get(*, access: Access, plan_id: int) -> ActionPlan:
    plan = (
        ActionPlan.objects.prefetch_related(
            Prefetch("measures", queryset=Measure.objects.prefetch_related("follow_ups"))
        )
        .filter(pk=plan_id)
        .first()
    )
    if plan is None or not plan_visible(access=access, plan=plan):
        raise Http404
    return plan


def measure_get(*, access: Access, plan_id: int, measure_id: int) -> Measure:
    plan = action_plan_get(access=access, plan_id=plan_id)
    measure = Measure.objects.filter(pk=measure_id, plan=plan).select_related("plan").first()
    if measure is None:
        raise Http404
    return measure


def unit_plan_current(*, access: Access, unit_id: str) -> ActionPlan | None:
    """The unit's newest plan that is not closed (what the CLI's handlingsplan uses)."""
    plans = [
        p
        for p in action_plan_list(access=access)
        if p.level == ActionPlan.Level.UNIT
        and p.unit_id == unit_id
        and p.status != ActionPlan.Status.CLOSED
    ]
    return max(plans, key=lambda p: (p.period_start, p.pk), default=None)


def unit_name(*, unit_id: str) -> tuple[str, str]:
    """(name, cost center) of a unit; empty strings for the department or an unknown code."""
    row = (
        records_models.Unit.objects.filter(unit_id=unit_id).values_list("name", "cost_center")
    ).first()
    return row if row is not None else ("", "")


def case_unit_id(*, case_id: str) -> str | None:
    return (
        records_models.Case.objects.filter(case_id=case_id)
        .values_list("unit__unit_id", flat=True)
        .first()
    )


def latest_data_batch() -> int | None:
    return (
        records_models.ImportBatch.objects.filter(status=records_models.ImportBatch.Status.APPLIED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


# ---------------------------------------------------------------------------- KPIs


def kpi_tables(
    *, access: Access, unit_id: str, case_id: str, as_of: dt.date
) -> dict[str, pl.DataFrame]:
    """The figure tables of one scope (department, unit or case) over the 12 months ending D.
    Tables not yet implemented are left out; their KPIs are then empty."""
    start, end = kpis.window(as_of)
    return figure_tables(
        scope=figure_scope(access=access, as_of=as_of, unit=unit_id),
        specs={name: (name, start, end) for name in KPI_TABLES},
        cases={case_id} if case_id else None,
    )


def plan_kpi_tables(*, access: Access, plan: ActionPlan, as_of: dt.date) -> dict[str, pl.DataFrame]:
    return kpi_tables(access=access, unit_id=plan.unit_id, case_id=plan.case_id, as_of=as_of)


def measure_kpi(*, measure: Measure, tables: dict[str, pl.DataFrame]) -> kpis.KpiValue:
    case_ids = list(measure.kpi_cases) if measure.kpi == "cases" and measure.kpi_cases else None
    return kpis.kpi_value(measure.kpi, tables, case_ids=case_ids)


def largest_deficit_cases(*, tables: dict[str, pl.DataFrame], n: int) -> list[tuple[str, float]]:
    economics = tables.get("case-economics")
    return [] if economics is None else kpis.largest_deficits(economics, n)


def fixed_price_tables(
    *, access: Access, plan: ActionPlan, as_of: dt.date, prices_on: dt.date
) -> dict[str, pl.DataFrame]:
    """The cost tables of the plan's scope over the 12 months ending ``as_of``, at the prices
    (rates and wages) in force on ``prices_on`` (:mod:`timbalans.figures.prices`); cached per
    data version."""
    units = figure_scope(access=access, as_of=as_of, unit=plan.unit_id).unit_set
    cases = {plan.case_id} if plan.case_id else None
    start, end = kpis.window(as_of)

    def compute() -> dict[str, pl.DataFrame]:
        req = figure_request(as_of=as_of, date_from=start, date_to=end)
        frames, settings = at_prices_of(
            figure_cache.frames_cached(units=units, cases=cases), req.settings, prices_on
        )
        fixed = replace(req, settings=settings)
        return {name: figure_function(name)(frames, fixed) for name in COST_TABLES}

    key = (
        "plan-fixed-prices",
        frozenset(units or ()),
        units is None,
        plan.case_id,
        as_of,
        prices_on,
    )
    return figure_cache.figure_result_cached(key=key, compute=compute)


def measure_fixed_price_effect(
    *,
    access: Access,
    measure: Measure,
    as_of: dt.date,
    tables: dict[str, pl.DataFrame],
) -> kpis.FixedPriceEffect | None:
    """The measure's effect at the prices of its plan's start, and the price effect apart
    (:func:`kpis.fixed_price_effect`); None for a KPI that is not a saving."""
    if not kpis.KPIS[measure.kpi].saving:
        return None
    plan = measure.plan
    prices_on = plan.period_start
    case_ids = list(measure.kpi_cases) if measure.kpi == "cases" and measure.kpi_cases else None

    def cost(at: dict[str, pl.DataFrame]) -> float | None:
        return kpis.kpi_value(measure.kpi, at, case_ids=case_ids, computed=True).cost

    base = measure.baseline_date
    realised = kpis.measured_effect(
        baseline_cost=measure.baseline_cost,
        baseline_date=base,
        now_cost=kpis.kpi_value(measure.kpi, tables, case_ids=case_ids).cost,
        now_date=as_of,
        start=measure.start_date,
    ).realised
    return kpis.fixed_price_effect(
        prices_on=prices_on,
        realised=realised,
        baseline_fixed=cost(
            fixed_price_tables(access=access, plan=plan, as_of=base, prices_on=prices_on)
        ),
        now_fixed=cost(
            fixed_price_tables(access=access, plan=plan, as_of=as_of, prices_on=prices_on)
        ),
        baseline_actual=cost(plan_kpi_tables(access=access, plan=plan, as_of=base)),
        now_actual=cost(tables),
    )


def measure_potential(
    *, access: Access, plan: ActionPlan, as_of: dt.date
) -> kpis.BacktestPotential | None:
    """The staffing backtest of the plan's units, 12 months ending D, as measure 3's measured
    potential; None while it is being computed (in the background, once per data version)."""
    scope = figure_scope(access=access, as_of=as_of, unit=plan.unit_id)
    return kpis.backtest_potential(figure_precomputed("staffing-backtest", scope=scope))


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    effect: kpis.MeasuredEffect


@dataclass(frozen=True)
class MeasureStatus:
    """A measure with its KPI now and its effect: expected (stored) beside measured."""

    measure: Measure
    kpi: kpis.KpiDefinition
    now: kpis.KpiValue | None
    as_of: dt.date
    effect: kpis.MeasuredEffect
    follow_ups: list[FollowUpRow]
    fixed: kpis.FixedPriceEffect | None = None
    #: Measure 3's measured potential (the staffing backtest); ``potential_pending`` while it
    #: is being computed.
    potential: kpis.BacktestPotential | None = None
    potential_pending: bool = False

    @property
    def latest_status(self) -> str:
        return self.follow_ups[-1].follow_up.get_status_display() if self.follow_ups else ""


def follow_up_effect(*, measure: Measure, follow_up: FollowUp) -> kpis.MeasuredEffect:
    """The effect at a follow-up, from the values stored with it (never recomputed)."""
    return kpis.measured_effect(
        baseline_cost=measure.baseline_cost,
        baseline_date=measure.baseline_date,
        now_cost=follow_up.kpi_cost,
        now_date=follow_up.date,
        start=measure.start_date,
    )


def measure_statuses(
    *,
    access: Access,
    plan: ActionPlan,
    as_of: dt.date | None,
    tables: dict[str, pl.DataFrame] | None = None,
) -> list[MeasureStatus]:
    """Every measure of the plan with its follow-ups; with ``as_of`` also the KPI on that
    date computed from the data now (None: only what is stored)."""
    if as_of is not None and tables is None:
        tables = plan_kpi_tables(access=access, plan=plan, as_of=as_of)
    out = []
    for measure in plan.measures.all():
        now = measure_kpi(measure=measure, tables=tables) if tables is not None else None
        when = as_of or measure.baseline_date
        effect = kpis.measured_effect(
            baseline_cost=measure.baseline_cost,
            baseline_date=measure.baseline_date,
            now_cost=now.cost if now is not None else None,
            now_date=when,
            start=measure.start_date,
        )
        rows = [
            FollowUpRow(f, follow_up_effect(measure=measure, follow_up=f))
            for f in measure.follow_ups.all()
        ]
        fixed = None
        if as_of is not None and tables is not None:
            fixed = measure_fixed_price_effect(
                access=access, measure=measure, as_of=as_of, tables=tables
            )
        potential, pending = None, False
        if as_of is not None and measure.kpi == kpis.BACKTEST_KPI and not plan.case_id:
            potential = measure_potential(access=access, plan=plan, as_of=as_of)
            pending = potential is None
        out.append(
            MeasureStatus(
                measure=measure,
                kpi=kpis.KPIS[measure.kpi],
                now=now,
                as_of=when,
                effect=effect,
                follow_ups=rows,
                fixed=fixed,
                potential=potential,
                potential_pending=pending,
            )
        )
    return out
