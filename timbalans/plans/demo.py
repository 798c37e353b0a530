"""The action plan ``timbalans demo`` ships: unit 81515's plan as the seed wrote it (start
2026-03-31, the five measures, the four named cases, the seed's expected effects), in
progress, with a follow-up of every measure at each month's end since the start, so a new
user sees a plan with measured effects rather than an empty page. A follow-up is "Enligt
plan" while the measured effect in full-year pace reaches the low end of the expected one,
else "Försenad".

Everything goes through the plan services (their checks and audit trail), as a user's plan
would. Running it again changes nothing already there and adds the month ends since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from timbalans.accounts.access import ADMIN, Access
from timbalans.plans import kpis, seed, services
from timbalans.plans import selectors as sel
from timbalans.plans.models import ActionPlan, FollowUp, Measure

FOLLOW_UP_COMMENT = "Månadsuppföljning."


def follow_up_status(*, access: Access, measure: Measure, day: dt.date) -> str:
    """What a unit manager would say at the month's end: on track while the measured effect
    in full-year pace reaches the low end of the expected one (or for a measure that saves
    nothing), else delayed. The KPI is read the way the follow-up will capture it."""
    low = measure.effect_full_low
    if not kpis.KPIS[measure.kpi].saving or low is None:
        return FollowUp.Status.ON_TRACK
    tables = sel.plan_kpi_tables(access=access, plan=measure.plan, as_of=day)
    effect = kpis.measured_effect(
        baseline_cost=measure.baseline_cost,
        baseline_date=measure.baseline_date,
        now_cost=sel.measure_kpi(measure=measure, tables=tables).cost,
        now_date=day,
        start=measure.start_date,
    )
    if effect.annualised is None or effect.annualised >= low:
        return FollowUp.Status.ON_TRACK
    return FollowUp.Status.DELAYED


def month_ends(start: dt.date, until: dt.date) -> list[dt.date]:
    """The last days of the months after ``start``'s month up to ``until`` (inclusive)."""
    out: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end > until:
            return out
        out.append(end)


def _seed_plan(unit_id: str, start: dt.date) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(level=ActionPlan.Level.UNIT, unit_id=unit_id, period_start=start)
        .exclude(status=ActionPlan.Status.CLOSED)
        .order_by("id")
        .first()
    )


def demo_plan_ensure(
    *,
    user: Any,
    until: dt.date,
    unit_id: str = seed.UNIT,
    start: dt.date = seed.START,
) -> ActionPlan | None:
    """Unit ``unit_id``'s plan from the seed, started on ``start``, with monthly follow-ups
    up to ``until`` (the last day of the data). None when the unit does not exist or the
    data ends before the plan starts."""
    if until < start or not sel.unit_name(unit_id=unit_id)[0]:
        return None
    access = Access.make(username=user.get_username() if user else "system", role=ADMIN)
    plan = _seed_plan(unit_id, start)
    if plan is None:
        plan = services.action_plan_create_from_seed(
            access=access, user=user, unit_id=unit_id, as_of=start, case_ids=list(seed.CASES)
        )
        for measure in plan.measures.all():
            low, high = seed.EFFECTS.get(measure.number, (None, None))
            expected = kpis.expected_effect(effect_low=low, effect_high=high, start=start)
            services.measure_update(
                access=access,
                user=user,
                measure=measure,
                effect_current_low=expected.current_low,
                effect_current_high=expected.current_high,
                effect_full_low=expected.full_low,
                effect_full_high=expected.full_high,
            )
        services.action_plan_update(
            access=access, user=user, plan=plan, status=ActionPlan.Status.ACTIVE
        )
    measures = list(plan.measures.all())
    recorded = set(FollowUp.objects.filter(measure__plan=plan).values_list("measure_id", "date"))
    # Month by month: the measures of one date share that date's figure tables.
    for day in month_ends(start, until):
        for measure in measures:
            if (measure.pk, day) not in recorded:
                services.follow_up_record(
                    access=access,
                    user=user,
                    measure=measure,
                    date=day,
                    status=follow_up_status(access=access, measure=measure, day=day),
                    comment=FOLLOW_UP_COMMENT,
                    today=until,
                )
    return plan
