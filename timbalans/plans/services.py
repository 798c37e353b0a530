"""Writes of action plans: create from the seed, edit, follow up. Every write checks the
user's rights on the plan's unit here (not only in the view) and is logged in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from timbalans.accounts.access import Access
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.plans import kpis, seed
from timbalans.plans import selectors as sel
from timbalans.plans.models import ActionPlan, FollowUp, Measure
from timbalans.records.figure_access import today as stockholm_today
from timbalans.records.selectors import figure_settings_load

NOT_ALLOWED = "Du har inte behörighet att ändra handlingsplaner."
UNIT_NOT_ALLOWED = "Du har inte behörighet till enhet {unit}."
DEPARTMENT_NOT_ALLOWED = (
    "Bara roller som ser alla enheter kan göra en handlingsplan för hela avdelningen."
)


class PlanError(ValueError):
    """A request the data does not allow; the message is Swedish and shown as it is."""


UNKNOWN_UNIT = "Enheten {unit} finns inte."
UNKNOWN_CASE = "Ärendet {case} finns inte."
PERIOD_ORDER = "Periodens slut ({end}) ligger före dess början ({start})."
EFFECT_ORDER = "{what}: den övre gränsen ({high}) är lägre än den undre ({low})."
EFFECT_HALF = "{what}: ange både undre och övre gräns, eller ingen av dem."
NO_DEFICITS = "Enheten {unit} har inga ärenden med underskott de senaste 12 månaderna."
FUTURE_DATE = "Uppföljningens datum ({date}) ligger i framtiden."
UNKNOWN_STATUS = "Okänd status: {status}."
UNKNOWN_FIELD = "Fältet {field} kan inte ändras."

EDITABLE_MEASURE_FIELDS = (
    "name",
    "description",
    "start_date",
    "effect_current_low",
    "effect_current_high",
    "effect_full_low",
    "effect_full_high",
    "effect_text",
    "opportunities",
    "risks",
    "target_value",
    "responsible",
)
EDITABLE_PLAN_FIELDS = ("title", "owner", "period_start", "period_end", "status", "summary")


def _require_unit(access: Access, unit_id: str) -> None:
    if not access.may_edit_plans:
        raise PermissionDenied(NOT_ALLOWED)
    if unit_id == "":
        if access.unit_ids is not None:
            raise PermissionDenied(DEPARTMENT_NOT_ALLOWED)
        return
    if not access.sees_unit(unit_id):
        raise PermissionDenied(UNIT_NOT_ALLOWED.format(unit=unit_id))


def _require_plan(access: Access, plan: ActionPlan) -> None:
    _require_unit(access, plan.unit_id)
    if not sel.plan_visible(access=access, plan=plan):
        raise PermissionDenied(UNIT_NOT_ALLOWED.format(unit=plan.unit_id))


def _who(user: Any) -> str:
    return user.get_username() if user is not None and user.is_authenticated else "system"


def _real(user: Any) -> Any:
    return user if user is not None and user.is_authenticated else None


def _sv_list(items: list[str]) -> str:
    """51470, 51357 och 51463."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 12, 31)


def _savings_row(tables: dict, area: str) -> tuple[float | None, float | None]:
    savings = tables.get("savings")
    if savings is None:
        return None, None
    rows = [r for r in savings.iter_rows(named=True) if r["area"] == area]
    if not rows:
        return None, None
    return rows[0].get("effect_low"), rows[0].get("effect_high")


def _kr(value: float) -> str:
    text = f"{abs(round(value)):,}".replace(",", "\u00a0")
    return ("\u2212" if value < 0 else "") + text + "\u00a0kr"


def _measure_from_seed(
    *,
    plan: ActionPlan,
    number: int,
    item: seed.SeedMeasure,
    tables: dict,
    as_of: dt.date,
    start: dt.date,
    responsible: str,
    low_pct: float,
    name: str | None = None,
    description: str | None = None,
    kpi_cases: list[str] | None = None,
) -> Measure:
    kpi = kpis.KPIS[item.kpi]
    value = kpis.kpi_value(item.kpi, tables, case_ids=kpi_cases)
    low, high = _savings_row(tables, item.kpi) if kpi.saving else (None, None)
    expected = kpis.expected_effect(effect_low=low, effect_high=high, start=start)
    return Measure(
        plan=plan,
        number=number,
        name=name or item.name,
        description=description if description is not None else item.description,
        start_date=start,
        effect_current_low=expected.current_low,
        effect_current_high=expected.current_high,
        effect_full_low=expected.full_low,
        effect_full_high=expected.full_high,
        effect_text=item.effect_text,
        opportunities="\n".join(item.opportunities),
        risks="\n".join(item.risks),
        kpi=item.kpi,
        kpi_cases=kpi_cases or [],
        baseline_date=as_of,
        baseline_value=value.value,
        baseline_cost=value.cost,
        target_value=kpis.target_for(value.value, low_pct=low_pct) if kpi.saving else None,
        responsible=responsible,
    )


def action_plan_propose(
    *,
    access: Access,
    unit_id: str,
    as_of: dt.date,
    owner: str = "",
    case_ids: list[str] | None = None,
) -> tuple[ActionPlan, list[Measure]]:
    """A unit (or, with ``unit_id=""``, department) plan from the seed's five measures, with
    baselines measured on D and expected effects from ``savings``; not saved. Measure 2
    names ``case_ids`` when given (as a plan written by hand does), else the scope's largest
    deficits."""
    if unit_id and not access.sees_unit(unit_id):
        raise PermissionDenied(UNIT_NOT_ALLOWED.format(unit=unit_id))
    if unit_id == "" and access.unit_ids is not None:
        raise PermissionDenied(DEPARTMENT_NOT_ALLOWED)
    name, _center = sel.unit_name(unit_id=unit_id)
    if unit_id and not name:
        raise PlanError(UNKNOWN_UNIT.format(unit=unit_id))
    settings = figure_settings_load()
    tables = sel.kpi_tables(access=access, unit_id=unit_id, case_id="", as_of=as_of)
    if case_ids is not None:
        worst = list(case_ids)
    else:
        deficits = sel.largest_deficit_cases(tables=tables, n=settings.savings_top_cases)
        worst = [case for case, _ in deficits]
    plan = ActionPlan(
        level=ActionPlan.Level.UNIT if unit_id else ActionPlan.Level.DEPARTMENT,
        unit_id=unit_id,
        title=f"Handlingsplan {name or 'avdelningen'} {as_of.year}",
        owner=owner,
        period_start=as_of,
        period_end=_year_end(as_of),
        status=ActionPlan.Status.DRAFT,
        summary=seed.SUMMARY.format(
            low=f"{settings.savings_effect_low_pct:g}", high=f"{settings.savings_effect_high_pct:g}"
        ),
        baseline_date=as_of,
    )
    measures = []
    for item in seed.MEASURES:
        description = None
        if item.kpi == "cases":
            named = (
                "exempelvis ärende " + _sv_list(worst)
                if worst
                else "inga ärenden med underskott de senaste 12 månaderna"
            )
            description = item.description.format(cases=named)
        measures.append(
            _measure_from_seed(
                plan=plan,
                number=item.number,
                item=item,
                tables=tables,
                as_of=as_of,
                start=as_of,
                responsible=owner,
                low_pct=settings.savings_effect_low_pct,
                description=description,
                kpi_cases=worst if item.kpi == "cases" else None,
            )
        )
    return plan, measures


def _save(
    plan: ActionPlan, measures: list[Measure], *, user: Any, detail: dict[str, Any]
) -> ActionPlan:
    with transaction.atomic():
        plan.created_by = _real(user)
        plan.created_by_name = _who(user)
        plan.save()
        for measure in measures:
            measure.plan = plan
        Measure.objects.bulk_create(measures)
        audit_log(
            user=user,
            action=AuditEvent.Action.PLAN,
            target=f"handlingsplan {plan.pk}",
            detail={"händelse": "skapad", "nivå": plan.level, "enhet": plan.unit_id, **detail},
        )
    return plan


def action_plan_create_from_seed(
    *,
    access: Access,
    user: Any,
    unit_id: str,
    as_of: dt.date,
    owner: str = "",
    case_ids: list[str] | None = None,
) -> ActionPlan:
    """A unit plan (department plan when ``unit_id`` is "") with the seed's five measures;
    measure 2 names ``case_ids`` when given, else the largest deficits."""
    _require_unit(access, unit_id)
    plan, measures = action_plan_propose(
        access=access, unit_id=unit_id, as_of=as_of, owner=owner, case_ids=case_ids
    )
    return _save(plan, measures, user=user, detail={"baslinje": as_of.isoformat()})


def action_plan_create_for_case(
    *, access: Access, user: Any, case_id: str, as_of: dt.date, owner: str = ""
) -> ActionPlan:
    """A case plan starting from the seed's measure 2, its KPI the case's own deficit."""
    unit_id = sel.case_unit_id(case_id=case_id)
    if unit_id is None:
        raise PlanError(UNKNOWN_CASE.format(case=case_id))
    _require_unit(access, unit_id)
    settings = figure_settings_load()
    tables = sel.kpi_tables(access=access, unit_id=unit_id, case_id=case_id, as_of=as_of)
    deficit = kpis.kpi_value("cases", tables, case_ids=[case_id])
    item = seed.measure(2)
    plan = ActionPlan(
        level=ActionPlan.Level.CASE,
        unit_id=unit_id,
        case_id=case_id,
        title=f"Åtgärdsplan ärende {case_id} {as_of.year}",
        owner=owner,
        period_start=as_of,
        period_end=_year_end(as_of),
        status=ActionPlan.Status.DRAFT,
        baseline_date=as_of,
    )
    measure = _measure_from_seed(
        plan=plan,
        number=1,
        item=item,
        tables=tables,
        as_of=as_of,
        start=as_of,
        responsible=owner,
        low_pct=settings.savings_effect_low_pct,
        name=f"Ärende {case_id}",
        description=seed.CASE_DESCRIPTION.format(
            case=case_id, deficit=_kr(deficit.value) if deficit.value is not None else "okänt"
        ),
        kpi_cases=[case_id],
    )
    return _save(plan, [measure], user=user, detail={"ärende": case_id})


def case_plans_create_for_largest_deficits(
    *, access: Access, user: Any, unit_id: str, as_of: dt.date, owner: str = ""
) -> list[ActionPlan]:
    """A case plan for each of the unit's N largest deficits (N: ``savings_top_cases``) that
    has no plan in progress yet."""
    _require_unit(access, unit_id)
    settings = figure_settings_load()
    tables = sel.kpi_tables(access=access, unit_id=unit_id, case_id="", as_of=as_of)
    deficits = sel.largest_deficit_cases(tables=tables, n=settings.savings_top_cases)
    if not deficits:
        raise PlanError(NO_DEFICITS.format(unit=unit_id))
    open_cases = set(
        ActionPlan.objects.filter(level=ActionPlan.Level.CASE, unit_id=unit_id)
        .exclude(status=ActionPlan.Status.CLOSED)
        .values_list("case_id", flat=True)
    )
    return [
        action_plan_create_for_case(
            access=access, user=user, case_id=case_id, as_of=as_of, owner=owner
        )
        for case_id, _ in deficits
        if case_id not in open_cases
    ]


def _changes(obj: Any, values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, list[Any]]:
    changed = {}
    for field, value in values.items():
        if field not in allowed:
            raise PlanError(UNKNOWN_FIELD.format(field=field))
        old = getattr(obj, field)
        if old != value:
            changed[field] = [old, value]
            setattr(obj, field, value)
    return changed


def _jsonable(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        k: [v.isoformat() if isinstance(v, dt.date) else v for v in pair]
        for k, pair in changes.items()
    }


def action_plan_update(*, access: Access, user: Any, plan: ActionPlan, **values: Any) -> ActionPlan:
    """Change the plan's title, owner, period, status or summary."""
    _require_plan(access, plan)
    if "status" in values and values["status"] not in ActionPlan.Status.values:
        raise PlanError(UNKNOWN_STATUS.format(status=values["status"]))
    start = values.get("period_start", plan.period_start)
    end = values.get("period_end", plan.period_end)
    if end < start:
        raise PlanError(PERIOD_ORDER.format(start=start, end=end))
    with transaction.atomic():
        changed = _changes(plan, values, EDITABLE_PLAN_FIELDS)
        if changed:
            plan.save()
            audit_log(
                user=user,
                action=AuditEvent.Action.PLAN,
                target=f"handlingsplan {plan.pk}",
                detail={"händelse": "ändrad", "ändringar": _jsonable(changed)},
            )
    return plan


def _check_range(what: str, low: int | None, high: int | None) -> None:
    if (low is None) != (high is None):
        raise PlanError(EFFECT_HALF.format(what=what))
    if low is not None and high is not None and high < low:
        raise PlanError(EFFECT_ORDER.format(what=what, low=low, high=high))


def measure_update(*, access: Access, user: Any, measure: Measure, **values: Any) -> Measure:
    """Change what a person decides about a measure; the baseline is measured, not edited."""
    _require_plan(access, measure.plan)
    merged = {f: values.get(f, getattr(measure, f)) for f in EDITABLE_MEASURE_FIELDS}
    _check_range(
        "Effekt innevarande år", merged["effect_current_low"], merged["effect_current_high"]
    )
    _check_range("Effekt helår", merged["effect_full_low"], merged["effect_full_high"])
    with transaction.atomic():
        changed = _changes(measure, values, EDITABLE_MEASURE_FIELDS)
        if changed:
            measure.save()
            audit_log(
                user=user,
                action=AuditEvent.Action.PLAN,
                target=f"handlingsplan {measure.plan_id}, åtgärd {measure.number}",
                detail={"händelse": "åtgärd ändrad", "ändringar": _jsonable(changed)},
            )
    return measure


def follow_up_record(
    *,
    access: Access,
    user: Any,
    measure: Measure,
    date: dt.date,
    status: str,
    comment: str = "",
    today: dt.date | None = None,
) -> FollowUp:
    """Record a follow-up with the KPI captured from the data as of ``date``, stored so a later
    import does not rewrite it."""
    plan = measure.plan
    _require_plan(access, plan)
    if status not in FollowUp.Status.values:
        raise PlanError(UNKNOWN_STATUS.format(status=status))
    if date > (today or stockholm_today()):
        raise PlanError(FUTURE_DATE.format(date=date))
    tables = sel.plan_kpi_tables(access=access, plan=plan, as_of=date)
    value = sel.measure_kpi(measure=measure, tables=tables)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            measure=measure,
            date=date,
            status=status,
            comment=comment,
            kpi_value=value.value,
            kpi_cost=value.cost,
            kpi_parts=value.parts,
            data_batch=sel.latest_data_batch(),
            recorded_by=_real(user),
            recorded_by_name=_who(user),
        )
        audit_log(
            user=user,
            action=AuditEvent.Action.PLAN,
            target=f"handlingsplan {plan.pk}, åtgärd {measure.number}",
            detail={
                "händelse": "uppföljning",
                "datum": date.isoformat(),
                "status": status,
                "nyckeltal": value.value,
            },
        )
    return follow_up
