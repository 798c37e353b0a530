"""Swedish labels and spreadsheet formats of the figure columns (spec/figures.md names)."""

from __future__ import annotations

import polars as pl

from timbalans.text import labels

LABELS: dict[str, str] = {
    "case_id": "Ärende",
    "unit_id": "Enhet",
    "employee_id": "Anställningsnummer",
    "name": "Namn",
    "month": "Månad",
    "period_start": "Period från",
    "period_end": "Period till",
    "payer": "Betalare",
    "granted_hours": "Beviljade timmar",
    "planned_hours": "Planerade timmar",
    "worked_hours": "Utförda timmar",
    "planned_remaining_hours": "Planerade återstående timmar",
    "forecast_hours": "Prognos timmar",
    "forecast_deviation_hours": "Prognosavvikelse timmar",
    "forecast_deviation_pct": "Prognosavvikelse %",
    "remaining_granted_hours": "Återstående beviljade timmar",
    "weeks_remaining": "Veckor kvar",
    "required_hours_per_week": "Behov timmar per vecka",
    "status": "Status",
    "is_closed": "Avslutad",
    "unpaid_hours": "Obetalda timmar",
    "schedule_end": "Schemat slutar",
    "pace_forecast_hours": "Prognos i nuvarande takt (timmar)",
    # the worklist's columns (figures.hour_balance.worklist_columns, key_figures)
    "planned_hours_per_week": "Planerat timmar per vecka",
    "weekly_change_hours": "Ändring timmar per vecka",
    "schedule_missing": "Schema saknas före periodens slut",
    "pace_weekly_change_hours": "Ändring timmar per vecka i nuvarande takt",
    "forecast_over_hours": "Prognos över beviljat (timmar)",
    "forecast_under_hours": "Prognos under beviljat (timmar)",
    "worked_concurrent_hours": "Samtidig utförd tid (timmar)",
    "planned_concurrent_hours": "Samtidig planerad tid (timmar)",
    "granted_double_hours": "Beviljad dubbelbemanning (timmar)",
    "excess_worked_hours": "Övertäckning utförd (timmar)",
    "excess_planned_hours": "Övertäckning planerad (timmar)",
    "contracted_hours": "Avtalad tid (timmar)",
    "absence_hours": "Frånvaro (timmar)",
    "available_hours": "Tillgänglig tid (timmar)",
    "worked_ordinary_hours": "Utförd ordinarie tid (timmar)",
    "unused_hours": "Outnyttjad tid (timmar)",
    "unused_cost": "Outnyttjad tid (kr)",
    "hourly_staff_hours": "Timavlönade (timmar)",
    "additional_hours": "Mertid (timmar)",
    "overtime_hours": "Övertid (timmar)",
    "substitutable_hours": "Ersättningsbara timmar",
    "overtime_cost": "Övertid (kr)",
    "additional_cost": "Mertid (kr)",
    "hourly_staff_cost": "Timavlönade (kr)",
    "baseline_overtime_hours": "Övertid jämförelseår (timmar)",
    "overtime_change_pct": "Förändring övertid %",
    "ytd_overtime_hours": "Övertid hittills i år (timmar)",
    "ytd_baseline_hours": "Övertid jämförelseår hittills (timmar)",
    "ytd_change_pct": "Förändring hittills i år %",
    "goal_change_pct": "Mål förändring %",
    "on_track": "I fas med målet",
    "ordinary_hours": "Ordinarie tid (timmar)",
    "sick_hours": "Sjukfrånvaro (timmar)",
    "sick_rate_pct": "Sjukfrånvaro %",
    "short_sick_hours": "Korttidssjukfrånvaro dag 1–14 (timmar)",
    "long_sick_hours": "Långtidssjukfrånvaro dag 15– (timmar)",
    "long60_sick_hours": "Sjukfrånvaro dag 60– (timmar)",
    "replacement_ordinary_hours": "Ersättning ordinarie (timmar)",
    "replacement_hourly_hours": "Ersättning timavlönade (timmar)",
    "replacement_overtime_hours": "Ersättning övertid/mertid (timmar)",
    "sick_pay_cost": "Sjuklön inkl. PO (kr)",
    "sick_hours_12m": "Sjukfrånvaro 12 mån (timmar)",
    "occasions_12m": "Sjuktillfällen 12 mån",
    "flag_repeated": "Upprepad korttidsfrånvaro",
    "current_spell_days": "Pågående sjukperiod (dagar)",
    "source": "Källa",
    "revenue": "Intäkt (kr)",
    "cost_salary_monthly": "Kostnad månadslön (kr)",
    "cost_salary_hourly": "Kostnad timlön (kr)",
    "cost_additional_hours": "Kostnad mertid (kr)",
    "cost_overtime": "Kostnad övertid (kr)",
    "cost_ob": "Kostnad OB (kr)",
    "cost_sick_pay": "Kostnad sjuklön (kr)",
    "cost_social_fees": "Kostnad PO-pålägg (kr)",
    "cost_hsl": "Kostnad HSL (kr)",
    "cost_training_reassignment": "Kostnad arbetsträning/omplacering (kr)",
    "cost_other_staff": "Kostnad övrig personal (kr)",
    "cost_other": "Kostnad övrigt (kr)",
    "cost_total": "Kostnad totalt (kr)",
    "structural_cost": "Strukturell kostnad (kr)",
    "result": "Resultat (kr)",
    "result_influenceable": "Påverkbart resultat (kr)",
    "cost_per_hour": "Kostnad per timme (kr)",
    "revenue_per_hour": "Intäkt per timme (kr)",
    "hourly_staff_share": "Andel timavlönade",
    "overtime_share": "Andel övertid",
    "ob_share": "Andel OB-timmar",
    "distinct_staff": "Antal medarbetare",
    "computed_revenue": "Beräknad intäkt (kr)",
    "computed_cost_total": "Beräknad kostnad totalt (kr)",
    "paid_absence_cost": "Betald frånvaro (kr)",
    "idle_cost": "Tomtid (kr)",
    "area": "Åtgärdsområde",
    "cost_base": "Kostnadsbas (kr)",
    "hours": "Timmar",
    "effect_low": "Effekt låg (kr)",
    "effect_high": "Effekt hög (kr)",
    # fk-check, deviations, absence-cases, limits (issue 14)
    "reported_hours": "Redovisade timmar",
    "reported_minus_worked": "Redovisat minus utfört (timmar)",
    "reported_over_granted": "Redovisat över beviljat (timmar)",
    "amount_at_risk": "Återbetalningsrisk (kr)",
    "unclaimed_amount": "Ej redovisad intäkt (kr)",
    "due_date": "Sista dag för redovisning",
    "missing": "Redovisning saknas",
    "worked_without_shift_hours": "Utfört utan pass (timmar)",
    "worked_outside_shift_hours": "Utfört utanför passet (timmar)",
    "planned_not_worked_hours": "Planerat ej utfört (timmar)",
    "sick_shift_hours": "Förlorade pass vid sjukdom (timmar)",
    "replacement_cost": "Kostnad för ersättning (kr)",
    "overtime_ytd_hours": "Övertid under året (timmar)",
    "overtime_4w_max_hours": "Övertid, största summa på fyra veckor (timmar)",
    "additional_ytd_hours": "Mertid under året (timmar)",
    "limit_breach": "Överskridna gränser",
    "rest_breaches": "För kort dygns- eller veckovila",
    "level": "Nivå",
    "cost_center": "Ansvar",
    "year": "År",
    "actual_result": "Utfall hittills (kr)",
    "forecast_revenue": "Prognos intäkt resten av året (kr)",
    "forecast_cost": "Prognos kostnad resten av året (kr)",
    "forecast_result": "Prognos resultat resten av året (kr)",
    "year_result": "Helårsprognos resultat (kr)",
    "budget": "Budget (kr)",
    "deviation_from_budget": "Avvikelse mot budget (kr)",
    # staffing-backtest (issue 19)
    "bought_hours": "Köpta timmar",
    "actual_cost": "Faktisk kostnad (kr)",
    "tier1_hours": "Kunde tas inom outnyttjad avtalad tid (timmar)",
    "tier2_hours": "Kunde tas som mertid för deltidsanställd (timmar)",
    "remaining_bought_hours": "Köpta timmar som återstår (timmar)",
    "backtest_cost": "Kostnad med prioriteringsordningen (kr)",
    "saving_sek": "Besparing (kr)",
    "saving_pct": "Besparing %",
    # continuity (issue 19)
    "top5_share_pct": "Andel av timmarna för de fem vanligaste %",
    "hourly_share_pct": "Andel timavlönade %",
    # staffing-structure (issue 19)
    "weekday": "Veckodag (1 = måndag)",
    "start_time": "Från",
    "end_time": "Till",
    "weeks": "Veckor i följd",
    "first_week": "Första veckan",
    "last_week": "Sista veckan",
    "hours_per_week": "Timmar per vecka",
    "bought_cost": "Kostnad som köpt tid (kr)",
    "contracted_cost": "Kostnad som avtalad tid (kr)",
    "suggestion": "Förslag",
    "current_rate_pct": "Sysselsättningsgrad nu %",
    "suggested_rate_pct": "Föreslagen sysselsättningsgrad %",
    "yearly_hours": "Timmar per år",
    "yearly_bought_cost": "Kostnad per år som köpt tid (kr)",
    "yearly_contracted_cost": "Kostnad per år som avtalad tid (kr)",
    "yearly_saving_sek": "Besparing per år (kr)",
}

#: Swedish names of the codes in the tables' values (savings areas, case-economics sources,
#: limit breaches, ...): the one mapping of ``text.labels``.
VALUE_LABELS = labels.VALUE_LABELS

PCT_SUFFIX = "_pct"
SEK_SUFFIXES = (
    "_cost",
    "revenue",
    "result",
    "_base",
    "effect_low",
    "effect_high",
    "_per_hour",
    "_influenceable",
    "_total",
    "budget",
    "_sek",
)


def column_label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    if name.startswith("cost_"):
        return "Kostnad " + name.removeprefix("cost_").replace("_", " ")
    return name.replace("_", " ").capitalize()


def column_format(name: str, dtype: pl.DataType) -> str:
    """hours | pct | share | sek | count | date | text."""
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return "date"
    if dtype == pl.String or dtype == pl.Boolean:
        return "text"
    if name.endswith(PCT_SUFFIX):
        return "pct"
    if name.endswith("_share"):
        return "share"
    if name.endswith(SEK_SUFFIXES) or "cost" in name or "amount" in name:
        return "sek"
    if dtype.is_integer():
        return "count"
    return "hours"
